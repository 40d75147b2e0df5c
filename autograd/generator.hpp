// A seedable random generator that gives the same numbers on every compiler and standard library:
// xoshiro256** seeded through splitmix64, with the uniform and normal transforms written here
// (std:: distributions differ between implementations). The default generator may be drawn from
// by several threads at once; any other Generator belongs to one thread at a time.
#pragma once
#include <array>
#include <cstdint>
#include <mutex>

namespace potatolemon {

// Everything a Generator's future draws depend on: the xoshiro words and the second normal of the
// last Box–Muller pair, when it has not been returned yet.
struct GeneratorState {
    std::array<std::uint64_t, 4> words{};
    double spare_normal = 0;
    bool has_spare_normal = false;
    friend bool operator==(const GeneratorState&, const GeneratorState&) = default;
};

class Generator {
public:
    explicit Generator(std::uint64_t seed = 0) { seed_(seed); }
    // A copy continues the same sequence and is never locked, even a copy of the default
    // generator; assignment takes the numbers, not the lock.
    Generator(const Generator& other) { copy_state_(other); }
    Generator& operator=(const Generator& other) {
        copy_state_(other);
        return *this;
    }
    void manual_seed(std::uint64_t seed);

    // Inline so that a loop of draws (dropout's mask, uniform tensors) keeps the state in
    // registers: ~4x the throughput of a call per draw.
    std::uint64_t next_u64() {
        std::uint64_t result = rotl_(state_[1] * 5, 7) * 9;
        std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl_(state_[3], 45);
        return result;
    }
    // [0, 1), 53 random bits
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    // [0, 1), 24 random bits
    float uniform_float() { return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f; }
    double normal();  // standard normal (Box–Muller)

    // torch.Generator's get_state/set_state: a generator given another's state draws what that
    // one would draw next. Throws std::invalid_argument for all-zero words (xoshiro's one fixed
    // point, which no seed reaches).
    GeneratorState get_state() const;
    void set_state(const GeneratorState& state);

private:
    friend class GeneratorGuard;
    friend Generator& default_generator();
    Generator(std::uint64_t seed, std::mutex* mutex) : mutex_(mutex) { seed_(seed); }
    void copy_state_(const Generator& other) {
        for (int i = 0; i < 4; ++i) state_[i] = other.state_[i];
        spare_normal_ = other.spare_normal_;
        has_spare_ = other.has_spare_;
    }
    static std::uint64_t rotl_(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    void seed_(std::uint64_t seed);
    std::uint64_t state_[4] = {};
    double spare_normal_ = 0;
    bool has_spare_ = false;
    std::mutex* mutex_ = nullptr;  // the default generator's only
};

// Holds the default generator's lock for a run of draws, so each call that draws (a factory,
// dropout, init, the loader's shuffle: every library function takes one) gets a contiguous
// run of its sequence; a no-op for any other Generator, the unlocked fast path. Calling
// next_u64, uniform or normal on default_generator() directly from several threads needs one.
class GeneratorGuard {
public:
    explicit GeneratorGuard(Generator& gen) : mutex_(gen.mutex_) {
        if (mutex_) mutex_->lock();
    }
    ~GeneratorGuard() {
        if (mutex_) mutex_->unlock();
    }
    GeneratorGuard(const GeneratorGuard&) = delete;
    GeneratorGuard& operator=(const GeneratorGuard&) = delete;

private:
    std::mutex* mutex_;
};

// The generator used when a factory is not given one, shared by all threads (GeneratorGuard);
// reseed it with manual_seed. A Generator per thread is faster and reproducible under threads.
Generator& default_generator();
void manual_seed(std::uint64_t seed);

}  // namespace potatolemon
