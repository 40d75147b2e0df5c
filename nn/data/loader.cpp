// DataLoader's epochs and batch slicing, and the Fisher–Yates shuffle behind them.
#include "nn/data/loader.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace potatolemon::data {
namespace {

// Uniform on [0, bound) for bound >= 1. Draws below 2^64 mod bound are rejected so that every
// residue has the same number of draws behind it (plain `% bound` favours small values).
std::uint64_t uniform_below(Generator& gen, std::uint64_t bound) {
    const std::uint64_t reject_below = (0 - bound) % bound;  // 2^64 mod bound
    std::uint64_t draw = gen.next_u64();
    while (draw < reject_below) draw = gen.next_u64();
    return draw % bound;
}

}  // namespace

void shuffle_indices(std::span<std::int64_t> order, Generator& gen) {
    GeneratorGuard lock(gen);
    for (std::size_t i = order.size(); i > 1; --i) {
        const std::size_t j = uniform_below(gen, i);
        std::swap(order[i - 1], order[j]);
    }
}

DataLoader::DataLoader(const Dataset& dataset, DataLoaderOptions options)
    : dataset_(&dataset), options_(options), gen_(options.seed) {
    if (options.batch_size < 1)
        throw std::invalid_argument("DataLoader: batch_size must be >= 1, found " +
                                    std::to_string(options.batch_size));
    const std::int64_t n = dataset.size(), b = options.batch_size;
    batches_ = options.drop_last ? n / b : n / b + (n % b != 0);
    order_.resize(static_cast<std::size_t>(n));
    std::iota(order_.begin(), order_.end(), std::int64_t{0});
}

DataLoader::Iterator DataLoader::begin() {
    if (options_.shuffle) {
        // From dataset order each time: an epoch's order depends only on the seed and the epoch.
        std::iota(order_.begin(), order_.end(), std::int64_t{0});
        shuffle_indices(order_, gen_);
    }
    ++epoch_;
    return Iterator(this, 0);
}

void DataLoader::load_state_dict(const DataLoaderState& state) {
    if (state.epoch < 0)
        throw std::invalid_argument("DataLoader::load_state_dict: negative epoch " +
                                    std::to_string(state.epoch));
    gen_.set_state(state.generator);  // throws before anything changed for zero words
    epoch_ = state.epoch;
}

DataLoader::Iterator DataLoader::end() const {
    return Iterator(this, batches_);
}

Batch DataLoader::batch(std::int64_t i) const {
    if (i < 0 || i >= batches_)
        throw IndexError("DataLoader::batch: batch " + std::to_string(i) + " is out of range for " +
                         std::to_string(batches_) + " batches");
    const std::int64_t start = i * options_.batch_size;
    const std::int64_t count = std::min(options_.batch_size, dataset_->size() - start);
    return dataset_->get_batch(std::span<const std::int64_t>(order_).subspan(
        static_cast<std::size_t>(start), static_cast<std::size_t>(count)));
}

}  // namespace potatolemon::data
