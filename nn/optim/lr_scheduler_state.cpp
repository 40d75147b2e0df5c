// The schedulers' state_dict and load_state_dict: the position under torch's names, and the
// settings, which must equal this scheduler's for a state to load.
#include <utility>

#include "nn/optim/lr_scheduler.hpp"

namespace potatolemon::nn {

namespace {
std::string loader_name(const char* name) {
    return std::string(name) + "::load_state_dict";
}

// A SequentialLR child's state: its members but "type", which names its class.
StateDict child_state(const io::Json& child, const std::string& who) {
    const io::Json& type = state_member(child, "type", who);
    if (!type.is_string()) throw FormatError(who + ": 'type' is not a string");
    io::Json::Object scalars;
    for (const auto& member : child.as_object())
        if (member.first != "type") scalars.push_back(member);
    return {type.as_string(), io::Json(std::move(scalars)), {}};
}
}  // namespace

bool LRScheduler::has_base_lrs() const {
    return dynamic_cast<const SequentialLR*>(this) == nullptr;
}

StateDict LRScheduler::state_dict() const {
    io::Json::Object scalars{{"last_epoch", last_epoch_},
                             {"_last_lr", io::Json::Array{json_double(last_lr_)}}};
    if (has_base_lrs())
        scalars.emplace(scalars.begin() + 1, "base_lrs", io::Json::Array{json_double(base_lr_)});
    for (auto& member : settings()) scalars.push_back(std::move(member));
    return {name_, io::Json(std::move(scalars)), {}};
}

void LRScheduler::check_position(const io::Json& scalars, const std::string& who,
                                 const std::vector<std::string>& more) const {
    std::vector<std::string> free{"last_epoch", "_last_lr"};
    if (has_base_lrs()) free.push_back("base_lrs");
    free.insert(free.end(), more.begin(), more.end());
    check_state_settings(scalars, settings(), free, who);
    // -1: a SequentialLR's child that has not started yet.
    if (state_int(scalars, "last_epoch", who) < -1)
        throw FormatError(who + ": 'last_epoch' is below -1");
    if (has_base_lrs()) state_single(scalars, "base_lrs", who);
    state_single(scalars, "_last_lr", who);
}

void LRScheduler::take_position(const io::Json& scalars, const std::string& who) {
    last_epoch_ = state_int(scalars, "last_epoch", who);
    if (has_base_lrs()) base_lr_ = state_single(scalars, "base_lrs", who);
    last_lr_ = state_single(scalars, "_last_lr", who);
}

void LRScheduler::check_state_dict(const StateDict& state) const {
    const std::string who = loader_name(name_);
    check_state_type(state, name_, who);
    check_position(state.scalars, who, {});
}

void LRScheduler::load_state_dict(const StateDict& state) {
    check_state_dict(state);
    take_position(state.scalars, loader_name(name_));
}

io::Json::Object StepLR::settings() const {
    return {{"step_size", step_size_}, {"gamma", gamma_}};
}

io::Json::Object MultiStepLR::settings() const {
    return {{"milestones", io::Json::Array(milestones_.begin(), milestones_.end())},
            {"gamma", gamma_}};
}

io::Json::Object ExponentialLR::settings() const {
    return {{"gamma", gamma_}};
}

io::Json::Object CosineAnnealingLR::settings() const {
    return {{"T_max", t_max_}, {"eta_min", eta_min_}};
}

io::Json::Object LinearLR::settings() const {
    return {{"start_factor", start_factor_},
            {"end_factor", end_factor_},
            {"total_iters", total_iters_}};
}

io::Json::Object SequentialLR::settings() const {
    return {{"_milestones", io::Json::Array(milestones_.begin(), milestones_.end())}};
}

StateDict SequentialLR::state_dict() const {
    StateDict state = LRScheduler::state_dict();
    io::Json::Array children;
    for (const auto& scheduler : schedulers_) {
        StateDict child = scheduler->state_dict();
        io::Json::Object scalars{{"type", child.type}};
        for (auto& member : child.scalars.as_object()) scalars.push_back(std::move(member));
        children.emplace_back(std::move(scalars));
    }
    state.scalars.as_object().emplace_back("_schedulers", std::move(children));
    return state;
}

void SequentialLR::check_state_dict(const StateDict& state) const {
    const std::string who = loader_name(name_);
    check_state_type(state, name_, who);
    check_position(state.scalars, who, {"_schedulers"});
    const io::Json& children = state_member(state.scalars, "_schedulers", who);
    if (!children.is_array() || children.as_array().size() != schedulers_.size())
        throw FormatError(who + ": '_schedulers' is not a list of " +
                          std::to_string(schedulers_.size()) + " states");
    for (std::size_t i = 0; i < schedulers_.size(); ++i) {
        const std::string where = who + ": _schedulers[" + std::to_string(i) + "]";
        schedulers_[i]->check_state_dict(child_state(children.as_array()[i], where));
    }
}

void SequentialLR::load_state_dict(const StateDict& state) {
    check_state_dict(state);
    const std::string who = loader_name(name_);
    take_position(state.scalars, who);
    const io::Json::Array& children = state.scalars.find("_schedulers")->as_array();
    for (std::size_t i = 0; i < schedulers_.size(); ++i)
        schedulers_[i]->load_state_dict(child_state(children[i], who));
    base_lr_ = schedulers_[0]->base_lr_;  // as the constructor takes it
}

}  // namespace potatolemon::nn
