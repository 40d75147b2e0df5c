// serialize_safetensors and save_safetensors: the header is built as a Json value and dumped, so
// it is deterministic; the file appears under its name only once it is complete (rename).
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>
#include <system_error>
#include <unordered_set>

#include "nn/io/json.hpp"
#include "nn/io/safetensors.hpp"
#include "nn/io/safetensors_detail.hpp"
#include "nn/io/utf8.hpp"

#if __has_include(<unistd.h>) && __has_include(<fcntl.h>)
#include <fcntl.h>   // open(dir, O_DIRECTORY): the directory entry is synced through its own fd
#include <unistd.h>  // fsync: the data must be on disk before the rename makes it visible
#define POTATOLEMON_HAVE_FSYNC 1
#endif
#if __has_include(<signal.h>) && __has_include(<unistd.h>)
#include <signal.h>  // kill(pid, 0): whether the process that made a temporary still runs
#define POTATOLEMON_HAVE_PROCESSES 1
#endif

namespace potatolemon::io {

namespace {

void check_utf8(const std::string& text, const std::string& what) {
    if (const auto bad = utf8_find_invalid(text); bad != std::string_view::npos) {
        throw std::invalid_argument("save_safetensors: " + what + " is not valid UTF-8 at byte " +
                                    std::to_string(bad));
    }
}

// Returns the entry's byte size after checking it against its dtype and shape.
std::uint64_t check_entry(const SafetensorsEntry& entry) {
    const std::string quoted = "tensor \"" + entry.name + "\"";
    check_utf8(entry.name, "tensor name");
    if (entry.name == "__metadata__") {
        throw std::invalid_argument("save_safetensors: \"__metadata__\" is reserved, not a name");
    }
    const std::size_t element_size = safetensors_dtype_size(entry.dtype);
    if (element_size == 0) {
        throw DtypeError("save_safetensors: " + quoted + ": unknown dtype \"" + entry.dtype + "\"");
    }
    const auto nbytes = detail::checked_nbytes(entry.shape, element_size);
    const std::string described = entry.dtype + " " + detail::dims_string(entry.shape);
    if (!nbytes) {
        throw ShapeError("save_safetensors: " + quoted + ": " + described +
                         " has a negative dim or more than 2^63 - 1 bytes");
    }
    if (*nbytes != entry.data.size()) {
        throw ShapeError("save_safetensors: " + quoted + ": " + described + " needs " +
                         std::to_string(*nbytes) + " bytes, data has " +
                         std::to_string(entry.data.size()));
    }
    return *nbytes;
}

struct Layout {
    std::string header;              // JSON padded with spaces to a multiple of 8 bytes
    std::vector<std::size_t> order;  // the order in which the entries' data follow the header
};

Json entry_json(const SafetensorsEntry& entry, std::uint64_t begin, std::uint64_t end) {
    Json::Array shape(entry.shape.begin(), entry.shape.end());
    Json::Array offsets{Json(static_cast<std::int64_t>(begin)),
                        Json(static_cast<std::int64_t>(end))};
    return Json(Json::Object{{"dtype", Json(entry.dtype)},
                             {"shape", Json(std::move(shape))},
                             {"data_offsets", Json(std::move(offsets))}});
}

Layout make_layout(const std::vector<SafetensorsEntry>& entries,
                   const std::map<std::string, std::string>& metadata) {
    std::vector<std::uint64_t> sizes;
    std::unordered_set<std::string_view> names;
    for (const SafetensorsEntry& entry : entries) {
        sizes.push_back(check_entry(entry));
        if (!names.insert(entry.name).second) {
            throw std::invalid_argument("save_safetensors: duplicate tensor name \"" + entry.name +
                                        "\"");
        }
    }
    Layout layout;
    layout.order.resize(entries.size());
    std::iota(layout.order.begin(), layout.order.end(), std::size_t{0});
    std::stable_sort(layout.order.begin(), layout.order.end(), [&](std::size_t a, std::size_t b) {
        return safetensors_dtype_size(entries[a].dtype) > safetensors_dtype_size(entries[b].dtype);
    });
    std::vector<std::uint64_t> begins(entries.size());
    std::uint64_t cursor = 0;
    for (const std::size_t i : layout.order) {
        begins[i] = cursor;
        cursor += sizes[i];
    }
    Json::Object root;
    if (!metadata.empty()) {
        Json::Object pairs;
        for (const auto& [key, value] : metadata) {
            check_utf8(key, "metadata key");
            check_utf8(value, "metadata value");
            pairs.emplace_back(key, Json(value));
        }
        root.emplace_back("__metadata__", Json(std::move(pairs)));
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        root.emplace_back(entries[i].name, entry_json(entries[i], begins[i], begins[i] + sizes[i]));
    }
    layout.header = dump_json(Json(std::move(root)));
    layout.header.append((8 - layout.header.size() % 8) % 8, ' ');
    return layout;
}

std::array<std::byte, 8> le_u64(std::uint64_t value) {
    std::array<std::byte, 8> bytes{};
    for (std::size_t k = 0; k < 8; ++k) bytes[k] = static_cast<std::byte>(value >> (8 * k));
    return bytes;
}

// Reads errno first: building the message may allocate, and allocation may change errno.
[[noreturn]] void throw_errno(const char* verb, const std::string& path,
                              const std::string& to = {}) {
    const int error = errno;
    std::string what = std::string("save_safetensors: cannot ") + verb + " '" + path + "'";
    if (!to.empty()) what += " to '" + to + "'";
    throw std::system_error(error, std::generic_category(), what);
}

// After the rename, the directory holding `target` is fsync'd too: until then a power loss may
// lose the rename (the new name), though never leave a half-written file under it.
void sync_directory_of(const std::string& target) {
#ifdef POTATOLEMON_HAVE_FSYNC
    const std::size_t slash = target.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : target.substr(0, slash + 1);
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) throw_errno("open the directory", dir);
    const int synced = ::fsync(fd);
    ::close(fd);
    if (synced != 0) throw_errno("sync the directory", dir);
#else
    (void)target;
#endif
}

// Temporaries are named <target>.tmp-<pid>-<host>-<8 hex digits>: a save removes those of its
// target that a process of this host left and that no longer runs (killed mid-save), and leaves
// other hosts' (a shared folder) and live processes' (a concurrent save) alone.
std::string process_tag() {
#ifdef POTATOLEMON_HAVE_PROCESSES
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return std::to_string(::getpid()) + "-" + host;
#else
    return "0-";
#endif
}

// Whether the temporary `name` (after "<target>.tmp-") is "<pid>-<host>-<suffix>" of a process
// of this host that has exited.
bool is_stale(const std::string& name, const std::string& host) {
#ifdef POTATOLEMON_HAVE_PROCESSES
    const std::size_t first = name.find('-'), last = name.rfind('-');
    if (first == 0 || first > 9 || last == first || name.compare(first + 1, last - first - 1, host))
        return false;
    if (!std::all_of(name.begin(), name.begin() + first,
                     [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    const pid_t pid = static_cast<pid_t>(std::stol(name.substr(0, first)));
    return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;  // EPERM: alive, someone else's
#else
    (void)name, (void)host;
    return false;
#endif
}

// Best effort: a folder that cannot be listed, or a file that cannot be removed, stays as it is.
void remove_stale_temporaries(const std::string& target) {
    namespace fs = std::filesystem;
    const fs::path path(target);
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const std::string prefix = path.filename().string() + ".tmp-";
    const std::string tag = process_tag();
    const std::string host = tag.substr(tag.find('-') + 1);
    std::error_code error;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
            is_stale(name.substr(prefix.size()), host)) {
            std::error_code ignored;
            fs::remove(it->path(), ignored);
        }
    }
}

// A file created next to its target under a fresh name, removed again unless commit() succeeds.
class TempFile {
public:
    explicit TempFile(const std::string& target) {
        std::random_device random;
        const char* digits = "0123456789abcdef";
        const std::string tag = process_tag();
        for (int attempt = 0; attempt < 16 && file_ == nullptr; ++attempt) {
            std::string suffix;
            for (std::uint32_t bits = random(), k = 0; k < 8; ++k, bits >>= 4) {
                suffix.push_back(digits[bits & 0xF]);
            }
            path_ = target + ".tmp-" + tag + "-" + suffix;
            file_ = std::fopen(path_.c_str(), "wbx");  // 'x': fail rather than reuse a name
            if (file_ == nullptr && errno != EEXIST) break;
        }
        if (file_ == nullptr) throw_errno("create", path_);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (file_ != nullptr) std::fclose(file_);
        if (!committed_) std::remove(path_.c_str());
    }

    void write(const std::byte* data, std::size_t size) {
        if (size > 0 && std::fwrite(data, 1, size, file_) != size) {
            throw_errno("write", path_);
        }
    }

    void commit(const std::string& target) {
        if (std::fflush(file_) != 0) throw_errno("write", path_);
#ifdef POTATOLEMON_HAVE_FSYNC
        if (::fsync(fileno(file_)) != 0) throw_errno("sync", path_);
#endif
        const int closed = std::fclose(file_);
        file_ = nullptr;
        if (closed != 0) throw_errno("close", path_);
        if (std::rename(path_.c_str(), target.c_str()) != 0) {
            throw_errno("rename", path_, target);
        }
        committed_ = true;
        sync_directory_of(target);
    }

private:
    std::string path_;
    std::FILE* file_ = nullptr;
    bool committed_ = false;
};

}  // namespace

std::vector<std::byte> serialize_safetensors(const std::vector<SafetensorsEntry>& entries,
                                             const std::map<std::string, std::string>& metadata) {
    const Layout layout = make_layout(entries, metadata);
    std::size_t total = 8 + layout.header.size();
    for (const SafetensorsEntry& entry : entries) total += entry.data.size();
    std::vector<std::byte> out;
    out.reserve(total);
    const auto length = le_u64(layout.header.size());
    out.insert(out.end(), length.begin(), length.end());
    const auto* header = reinterpret_cast<const std::byte*>(layout.header.data());
    out.insert(out.end(), header, header + layout.header.size());
    for (const std::size_t i : layout.order) {
        out.insert(out.end(), entries[i].data.begin(), entries[i].data.end());
    }
    return out;
}

void save_safetensors(const std::string& path, const std::vector<SafetensorsEntry>& entries,
                      const std::map<std::string, std::string>& metadata) {
    const Layout layout = make_layout(entries, metadata);  // throws before any file is touched
    remove_stale_temporaries(path);
    TempFile file(path);
    file.write(le_u64(layout.header.size()).data(), 8);
    file.write(reinterpret_cast<const std::byte*>(layout.header.data()), layout.header.size());
    for (const std::size_t i : layout.order) {
        file.write(entries[i].data.data(), entries[i].data.size());
    }
    file.commit(path);
}

}  // namespace potatolemon::io
