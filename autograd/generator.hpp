// A seedable random generator that gives the same numbers on every compiler and standard library:
// xoshiro256** seeded through splitmix64, with the uniform and normal transforms written here
// (std:: distributions differ between implementations).
#pragma once
#include <array>
#include <cstdint>

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
    void manual_seed(std::uint64_t seed) { seed_(seed); }

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
    static std::uint64_t rotl_(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    void seed_(std::uint64_t seed);
    std::uint64_t state_[4] = {};
    double spare_normal_ = 0;
    bool has_spare_ = false;
};

// The generator used when a factory is not given one; reseed it with manual_seed.
Generator& default_generator();
void manual_seed(std::uint64_t seed);

}  // namespace potatolemon
