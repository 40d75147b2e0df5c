// Checkpoint::save and load: each part to and from its tensors and JSON metadata, then one
// save_safetensors; load parses and checks every part before it writes into any.
#include "nn/checkpoint.hpp"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "nn/io/safetensors.hpp"
#include "nn/serialize_detail.hpp"

namespace potatolemon::nn {

namespace {
constexpr std::int64_t checkpoint_version = 1;
const char* const part_names[] = {"model",     "optimizer", "scheduler", "reduce_lr_on_plateau",
                                  "generator", "data"};

// A generator's four words as U64 [4], little-endian like every safetensors element.
io::SafetensorsEntry words_entry(const std::string& name, const GeneratorState& state) {
    io::SafetensorsEntry entry{name, "U64", {4}, std::vector<std::byte>(32)};
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t k = 0; k < 8; ++k)
            entry.data[8 * i + k] = static_cast<std::byte>(state.words[i] >> (8 * k));
    return entry;
}

io::Json::Object generator_scalars(const GeneratorState& state) {
    return {{"spare_normal", json_double(state.spare_normal)},
            {"has_spare_normal", state.has_spare_normal}};
}

std::string part_json(const StateDict& state) {
    io::Json::Object object{{"type", state.type}};
    for (const auto& member : state.scalars.as_object()) object.push_back(member);
    return io::dump_json(io::Json(std::move(object)));
}

io::Json::Object loader_settings(const data::DataLoader& loader) {
    const data::DataLoaderOptions& o = loader.options();
    return {{"batch_size", o.batch_size},
            {"shuffle", o.shuffle},
            {"seed", std::to_string(o.seed)},  // a uint64, beyond JSON's exact integers
            {"drop_last", o.drop_last},
            {"size", loader.dataset().size()}};
}

// The loader's settings, epoch and pending normal (its words are a tensor).
std::string loader_json(const data::DataLoader& loader) {
    const data::DataLoaderState state = loader.state_dict();
    io::Json::Object json = loader_settings(loader);
    json.emplace_back("epoch", state.epoch);
    for (auto& member : generator_scalars(state.generator)) json.push_back(std::move(member));
    return io::dump_json(io::Json(std::move(json)));
}

// The file's entries and metadata sorted by part, with the JSON texts parsed.
struct FileParts {
    std::map<std::string, std::vector<const io::SafetensorsEntry*>> tensors;
    std::map<std::string, io::Json> scalars;
    std::vector<std::string> parts;  // named in "checkpoint"
};

FileParts split_file(const std::vector<io::SafetensorsEntry>& entries,
                     const std::map<std::string, std::string>& metadata, const std::string& who) {
    FileParts file;
    if (!metadata.count("checkpoint"))
        throw FormatError(who + ": no 'checkpoint' metadata: not a checkpoint file");
    for (const auto& [key, text] : metadata) {
        const bool known =
            key == "checkpoint" || key == "extra" ||
            std::find(std::begin(part_names), std::end(part_names), key) != std::end(part_names);
        if (!known) throw FormatError(who + ": metadata '" + key + "' is not a checkpoint part");
        try {
            file.scalars[key] = io::parse_json(text);
        } catch (const io::JsonError& e) {
            throw FormatError(who + ": metadata '" + key + "': " + e.what());
        }
    }
    for (const io::SafetensorsEntry& entry : entries) {
        const std::string part = entry.name.substr(0, entry.name.find('.'));
        const bool known =
            std::find(std::begin(part_names), std::end(part_names), part) != std::end(part_names);
        if (!known || part.size() == entry.name.size())
            throw FormatError(who + ": tensor '" + entry.name + "' belongs to no part");
        file.tensors[part].push_back(&entry);
    }
    const io::Json& head = file.scalars["checkpoint"];
    if (state_int(head, "version", who) != checkpoint_version)
        throw FormatError(who + ": version " + io::dump_json(*head.find("version")) +
                          ", this library reads " + std::to_string(checkpoint_version));
    const io::Json& parts = state_member(head, "parts", who);
    for (const io::Json& part : parts.is_array() ? parts.as_array() : io::Json::Array{})
        file.parts.push_back(part.is_string() ? part.as_string() : io::dump_json(part));
    return file;
}

// Throws unless the file holds `part` exactly when the caller gave one.
void check_part(const FileParts& file, const char* part, bool given, const std::string& who) {
    const bool saved = std::find(file.parts.begin(), file.parts.end(), part) != file.parts.end();
    if (saved && !given)
        throw FormatError(who + ": the file holds a " + part + " but none was given to load into");
    if (!saved && given) throw FormatError(who + ": the file holds no " + part);
    if (!saved && (file.tensors.count(part) || file.scalars.count(part)))
        throw FormatError(who + ": the file has " + part + " data but does not list the part");
    if (saved && std::strcmp(part, "model") != 0 && !file.scalars.count(part))
        throw FormatError(who + ": the file lists a " + part + " but has no metadata for it");
}

// An optimiser's or scheduler's StateDict from its metadata ("type" plus torch's members) and its
// tensors, with the part's prefix taken off their names.
StateDict part_state(const FileParts& file, const std::string& part, const std::string& who) {
    const io::Json& json = file.scalars.at(part);
    const io::Json& type = state_member(json, "type", who + ": " + part);
    if (!type.is_string()) throw FormatError(who + ": " + part + ": 'type' is not a string");
    StateDict state{type.as_string(), io::Json(io::Json::Object{}), {}};
    for (const auto& member : json.as_object())
        if (member.first != "type") state.scalars.as_object().push_back(member);
    if (auto found = file.tensors.find(part); found != file.tensors.end())
        for (const io::SafetensorsEntry* entry : found->second)
            state.tensors.push_back(
                {entry->name.substr(part.size() + 1), detail::from_entry(*entry, who)});
    return state;
}

GeneratorState read_generator(const FileParts& file, const std::string& part,
                              const std::string& who) {
    const std::string name = part + ".generator.state";
    const std::string tensor = part == "generator" ? "generator.state" : name;
    const auto found = file.tensors.find(part);
    const std::vector<const io::SafetensorsEntry*> none;
    const auto& entries = found == file.tensors.end() ? none : found->second;
    if (entries.size() != 1 || entries[0]->name != tensor)
        throw FormatError(who + ": the " + part + " part must hold one tensor, '" + tensor + "'");
    const io::SafetensorsEntry& entry = *entries[0];
    if (entry.dtype != "U64" || entry.shape != std::vector<std::int64_t>{4})
        throw FormatError(who + ": tensor '" + tensor + "' must be U64 [4], found " + entry.dtype);
    GeneratorState state;
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t k = 0; k < 8; ++k)
            state.words[i] |= std::to_integer<std::uint64_t>(entry.data[8 * i + k]) << (8 * k);
    if (state.words == std::array<std::uint64_t, 4>{})
        throw FormatError(who + ": tensor '" + tensor + "' is all zeros, no generator's state");
    const io::Json& json = file.scalars.at(part);
    const std::string where = who + ": " + part;
    state.spare_normal = state_double(json, "spare_normal", where);
    const io::Json& has_spare = state_member(json, "has_spare_normal", where);
    if (!has_spare.is_bool()) throw FormatError(where + ": 'has_spare_normal' is not a bool");
    state.has_spare_normal = has_spare.as_bool();
    return state;
}

data::DataLoaderState read_loader(const FileParts& file, const data::DataLoader& loader,
                                  const std::string& who) {
    const io::Json& json = file.scalars.at("data");
    check_state_settings(json, loader_settings(loader),
                         {"epoch", "spare_normal", "has_spare_normal"}, who + ": data");
    const std::int64_t epoch = state_int(json, "epoch", who + ": data");
    if (epoch < 0) throw FormatError(who + ": data: 'epoch' is negative");
    return {epoch, read_generator(file, "data", who)};
}

// Runs `check` with the message of a typed error prefixed by `who`, keeping its type.
template <class F>
auto in_context(const std::string& who, F&& check) {
    try {
        return check();
    } catch (const ShapeError& e) {
        throw ShapeError(who + ": " + e.what());
    } catch (const DtypeError& e) {
        throw DtypeError(who + ": " + e.what());
    } catch (const FormatError& e) {
        throw FormatError(who + ": " + e.what());
    }
}
}  // namespace

void Checkpoint::save(const std::string& path) const {
    std::vector<io::SafetensorsEntry> entries;
    std::map<std::string, std::string> metadata;
    io::Json::Array parts;
    if (model) {
        parts.emplace_back("model");
        for (const NamedTensor& p : model->state_dict())
            entries.push_back(detail::to_entry("model." + p.name, p.tensor));
    }
    if (optimizer) {
        parts.emplace_back("optimizer");
        const StateDict state = optimizer->state_dict();
        for (const NamedTensor& t : state.tensors)
            entries.push_back(detail::to_entry("optimizer." + t.name, t.tensor));
        metadata["optimizer"] = part_json(state);
    }
    if (scheduler) {
        parts.emplace_back("scheduler");
        metadata["scheduler"] = part_json(scheduler->state_dict());
    }
    if (plateau) {
        parts.emplace_back("reduce_lr_on_plateau");
        metadata["reduce_lr_on_plateau"] = part_json(plateau->state_dict());
    }
    if (generator) {
        parts.emplace_back("generator");
        entries.push_back(words_entry("generator.state", generator->get_state()));
        metadata["generator"] = io::dump_json(io::Json(generator_scalars(generator->get_state())));
    }
    if (loader) {
        parts.emplace_back("data");
        entries.push_back(words_entry("data.generator.state", loader->state_dict().generator));
        metadata["data"] = loader_json(*loader);
    }
    io::Json::Object extras;
    for (const auto& [key, value] : extra) extras.emplace_back(key, value);
    metadata["extra"] = io::dump_json(io::Json(std::move(extras)));
    metadata["checkpoint"] = io::dump_json(io::Json(io::Json::Object{
        {"version", checkpoint_version}, {"epoch", epoch}, {"parts", std::move(parts)}}));
    io::save_safetensors(path, entries, metadata);
}

namespace {
std::map<std::string, std::string> read_extra(const FileParts& file, const std::string& who) {
    std::map<std::string, std::string> extra;
    const auto found = file.scalars.find("extra");
    if (found == file.scalars.end()) return extra;
    if (!found->second.is_object()) throw FormatError(who + ": 'extra' is not an object");
    for (const auto& [key, value] : found->second.as_object()) {
        if (!value.is_string()) throw FormatError(who + ": extra '" + key + "' is not a string");
        extra[key] = value.as_string();
    }
    return extra;
}

// What a load writes, read from the file and checked against the checkpoint's parts.
struct Checked {
    std::vector<const io::SafetensorsEntry*> model;
    StateDict optimizer, scheduler, plateau;
    GeneratorState generator;
    data::DataLoaderState loader;
    std::int64_t epoch = 0;
    std::map<std::string, std::string> extra;
};

Checked check_file(const Checkpoint& c, const FileParts& file, const std::string& who) {
    Checked out;
    if (c.model) {
        const auto found = file.tensors.find("model");
        out.model = detail::match_module(
            *c.model, found == file.tensors.end() ? decltype(out.model){} : found->second, "model.",
            who);
    }
    if (c.optimizer) out.optimizer = part_state(file, "optimizer", who);
    if (c.optimizer) in_context(who, [&] { c.optimizer->check_state_dict(out.optimizer); });
    if (c.scheduler) out.scheduler = part_state(file, "scheduler", who);
    if (c.scheduler) in_context(who, [&] { c.scheduler->check_state_dict(out.scheduler); });
    if (c.plateau) out.plateau = part_state(file, "reduce_lr_on_plateau", who);
    if (c.plateau) in_context(who, [&] { c.plateau->check_state_dict(out.plateau); });
    if (c.generator) out.generator = read_generator(file, "generator", who);
    if (c.loader) out.loader = read_loader(file, *c.loader, who);
    out.epoch = state_int(file.scalars.at("checkpoint"), "epoch", who);
    out.extra = read_extra(file, who);
    return out;
}
}  // namespace

void Checkpoint::load(const std::string& path) {
    const std::string who = "Checkpoint::load: " + path;
    std::map<std::string, std::string> metadata;
    const std::vector<io::SafetensorsEntry> entries = io::load_safetensors(path, &metadata);
    const FileParts file = split_file(entries, metadata, who);
    check_part(file, "model", model != nullptr, who);
    check_part(file, "optimizer", optimizer != nullptr, who);
    check_part(file, "scheduler", scheduler != nullptr, who);
    check_part(file, "reduce_lr_on_plateau", plateau != nullptr, who);
    check_part(file, "generator", generator != nullptr, who);
    check_part(file, "data", loader != nullptr, who);
    Checked checked = check_file(*this, file, who);
    // Every part has passed its checks: only now is anything written.
    if (model) detail::copy_into_module(*model, checked.model);
    if (optimizer) optimizer->load_state_dict(checked.optimizer);
    if (scheduler) scheduler->load_state_dict(checked.scheduler);
    if (plateau) plateau->load_state_dict(checked.plateau);
    if (generator) generator->set_state(checked.generator);
    if (loader) loader->load_state_dict(checked.loader);
    epoch = checked.epoch;
    extra = std::move(checked.extra);
}

}  // namespace potatolemon::nn
