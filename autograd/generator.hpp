// A seedable random generator that gives the same numbers on every compiler and standard library:
// xoshiro256** seeded through splitmix64, with the uniform and normal transforms written here
// (std:: distributions differ between implementations).
#pragma once
#include <cstdint>

namespace potatolemon {

class Generator {
public:
    explicit Generator(std::uint64_t seed = 0) { seed_(seed); }
    void manual_seed(std::uint64_t seed) { seed_(seed); }

    std::uint64_t next_u64();
    double uniform();       // [0, 1), 53 random bits
    float uniform_float();  // [0, 1), 24 random bits
    double normal();        // standard normal (Box–Muller)

private:
    void seed_(std::uint64_t seed);
    std::uint64_t state_[4] = {};
    double spare_normal_ = 0;
    bool has_spare_ = false;
};

// The generator used when a factory is not given one; reseed it with manual_seed.
Generator& default_generator();
void manual_seed(std::uint64_t seed);

}  // namespace potatolemon
