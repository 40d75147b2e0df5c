// Optimizer::state_dict and load_state_dict: the registered per-parameter state to and from
// PyTorch's names, with every check done before anything is written.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <utility>

#include "autograd/factories.hpp"
#include "nn/optim/optimizer.hpp"

namespace potatolemon::nn {

namespace {
std::string state_name(std::size_t i, const char* slot) {
    return "state." + std::to_string(i) + "." + slot;
}

// "state.<i>.<slot>" → (i, slot); nullopt for any other form.
std::optional<std::pair<std::size_t, std::string>> parse_state_name(const std::string& name) {
    const std::string prefix = "state.";
    const std::size_t dot = name.find('.', prefix.size());
    if (name.compare(0, prefix.size(), prefix) != 0 || dot == std::string::npos) return {};
    std::size_t index = 0;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + dot;
    auto [end, error] = std::from_chars(first, last, index);
    if (error != std::errc() || end != last || first == last) return {};
    return std::make_pair(index, name.substr(dot + 1));
}

// A step count is one int64 >= 1; any other state tensor is like its parameter.
void check_state_value(const Tensor& t, const Tensor& param, bool step, const std::string& what) {
    if (step) {
        if (t.dtype() != Dtype::int64 || t.numel() != 1 || t.data<std::int64_t>()[0] < 1)
            throw FormatError(what + " must be one int64 >= 1");
        return;
    }
    if (t.dtype() != param.dtype())
        throw DtypeError(what + " is " + dtype_name(t.dtype()) + ", its parameter " +
                         dtype_name(param.dtype()));
    if (t.shape() != param.shape())
        throw ShapeError(what + " has shape " + to_string(t.shape()) + ", its parameter " +
                         to_string(param.shape()));
}

Tensor copy_of(const Tensor& t) {
    return t.detach().clone();
}

Tensor int64_scalar(std::int64_t value) {
    Tensor t = empty(Shape{}, Dtype::int64);
    t.data<std::int64_t>()[0] = value;
    return t;
}
}  // namespace

void Optimizer::register_state(const char* name, std::vector<Tensor>& tensors, bool used) {
    slots_.push_back({name, &tensors, used});
}

bool Optimizer::has_state(std::size_t i) const {
    if (steps_ != nullptr && (*steps_)[i] > 0) return true;
    for (const StateSlot& slot : slots_)
        if ((*slot.tensors)[i].defined()) return true;
    return false;
}

StateDict Optimizer::state_dict() const {
    io::Json::Object group{{"lr", json_double(lr_)}};
    for (auto& member : hyperparameters()) group.push_back(std::move(member));
    if (initial_lr_) group.emplace_back("initial_lr", json_double(*initial_lr_));
    io::Json::Array indices;
    for (std::size_t i = 0; i < params_.size(); ++i)
        indices.emplace_back(static_cast<std::int64_t>(i));
    group.emplace_back("params", std::move(indices));
    StateDict state{
        name_, io::Json::Object{{"param_groups", io::Json::Array{std::move(group)}}}, {}};
    for (std::size_t i = 0; i < params_.size(); ++i) {
        if (!has_state(i)) continue;
        if (steps_ != nullptr)
            state.tensors.push_back({state_name(i, "step"), int64_scalar((*steps_)[i])});
        for (const StateSlot& slot : slots_)
            if (slot.used)
                state.tensors.push_back({state_name(i, slot.name), copy_of((*slot.tensors)[i])});
    }
    return state;
}

void Optimizer::check_state_scalars(const io::Json& scalars, const std::string& who) const {
    check_state_settings(scalars, {}, {"param_groups"}, who);
    const io::Json& groups = state_member(scalars, "param_groups", who);
    if (!groups.is_array() || groups.as_array().size() != 1)
        throw FormatError(who + ": 'param_groups' must be a list of one group, found " +
                          io::dump_json(groups));
    const io::Json& group = groups.as_array()[0];
    const std::string where = who + ": param_groups[0]";
    check_state_settings(group, hyperparameters(), {"lr", "initial_lr", "params"}, where);
    const double lr = state_double(group, "lr", where);
    if (!(lr >= 0)) throw FormatError(where + ": invalid lr " + io::dump_json(json_double(lr)));
    if (group.find("initial_lr") != nullptr) state_double(group, "initial_lr", where);
    const io::Json& params = state_member(group, "params", where);
    io::Json::Array indices;
    for (std::size_t i = 0; i < params_.size(); ++i)
        indices.emplace_back(static_cast<std::int64_t>(i));
    if (!(params == io::Json(indices)))
        throw FormatError(where + ": 'params' is " + io::dump_json(params) + " but this " + name_ +
                          " has " + std::to_string(params_.size()) + " parameters");
}

void Optimizer::check_state_tensors(const std::vector<NamedTensor>& tensors,
                                    const std::string& who) const {
    std::map<std::pair<std::size_t, std::string>, const Tensor*> found;
    for (const NamedTensor& t : tensors) {
        const auto key = parse_state_name(t.name);
        const auto slot = std::find_if(slots_.begin(), slots_.end(), [&](const StateSlot& s) {
            return key && s.used && key->second == s.name;
        });
        const bool step = key && steps_ != nullptr && key->second == "step";
        if (!key || key->first >= params_.size() || (slot == slots_.end() && !step))
            throw FormatError(who + ": tensor '" + t.name + "' is not state this " + name_ +
                              " keeps for its " + std::to_string(params_.size()) + " parameters");
        if (!found.emplace(*key, &t.tensor).second)
            throw FormatError(who + ": tensor '" + t.name + "' appears twice");
        check_state_value(t.tensor, params_[key->first], step, who + ": tensor '" + t.name + "'");
    }
    std::vector<const char*> names;  // what a parameter that has taken a step has
    if (steps_ != nullptr) names.push_back("step");
    for (const StateSlot& slot : slots_)
        if (slot.used) names.push_back(slot.name);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const bool any = std::any_of(names.begin(), names.end(), [&](const char* n) {
            return found.count({i, n}) > 0;
        });
        for (const char* n : names)
            if (any && !found.count({i, n}))
                throw FormatError(who + ": tensor '" + state_name(i, n) + "' is missing");
    }
}

void Optimizer::check_state_dict(const StateDict& state) const {
    const std::string who = std::string(name_) + "::load_state_dict";
    check_state_type(state, name_, who);
    check_state_scalars(state.scalars, who);
    check_state_tensors(state.tensors, who);
}

void Optimizer::load_state_dict(const StateDict& state) {
    check_state_dict(state);
    const std::string who = std::string(name_) + "::load_state_dict";
    const io::Json& group = state.scalars.find("param_groups")->as_array()[0];
    lr_ = state_double(group, "lr", who);
    initial_lr_.reset();
    if (group.find("initial_lr") != nullptr) initial_lr_ = state_double(group, "initial_lr", who);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        if (steps_ != nullptr) (*steps_)[i] = 0;
        for (const StateSlot& slot : slots_) (*slot.tensors)[i] = Tensor();
    }
    for (const NamedTensor& t : state.tensors) {
        const auto [i, name] = *parse_state_name(t.name);
        if (name == "step") {
            (*steps_)[i] = t.tensor.data<std::int64_t>()[0];
            continue;
        }
        for (const StateSlot& slot : slots_)
            if (name == slot.name) (*slot.tensors)[i] = copy_of(t.tensor);
    }
}

}  // namespace potatolemon::nn
