#include "autograd/generator.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "autograd/capture.hpp"

namespace potatolemon {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
}  // namespace

void Generator::manual_seed(std::uint64_t seed) {
    GeneratorGuard lock(*this);
    seed_(seed);
}

void Generator::seed_(std::uint64_t seed) {
    // A replay reads a generator where it lives and cannot redo a seeding, nor outlive a
    // generator made inside the captured function.
    detail::capture_unsupported("a generator made or seeded during the capture");
    for (auto& s : state_) s = splitmix64(seed);
    has_spare_ = false;
}

double Generator::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_normal_;
    }
    double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    double u2 = uniform();
    double radius = std::sqrt(-2.0 * std::log(u1));
    spare_normal_ = radius * std::sin(2.0 * std::numbers::pi * u2);
    has_spare_ = true;
    return radius * std::cos(2.0 * std::numbers::pi * u2);
}

GeneratorState Generator::get_state() const {
    return {{state_[0], state_[1], state_[2], state_[3]}, spare_normal_, has_spare_};
}

void Generator::set_state(const GeneratorState& state) {
    if (state.words == std::array<std::uint64_t, 4>{})
        throw std::invalid_argument("Generator::set_state: all four state words are zero");
    for (std::size_t i = 0; i < 4; ++i) state_[i] = state.words[i];
    spare_normal_ = state.spare_normal;
    has_spare_ = state.has_spare_normal;
}

Generator& default_generator() {
    static std::mutex mutex;
    static Generator generator(0, &mutex);
    return generator;
}

void manual_seed(std::uint64_t seed) {
    default_generator().manual_seed(seed);
}

}  // namespace potatolemon
