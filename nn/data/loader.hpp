// DataLoader: walks a Dataset in batches, in order or shuffled from a seed, with range-for:
//   for (data::Batch batch : loader) { ... batch.data [B, F], batch.target [B] ... }
// Each pass (each begin()) is one epoch and, when shuffling, draws a fresh order. The order is a
// Fisher–Yates shuffle driven by potatolemon's Generator, so one seed gives one sequence of
// epochs on every compiler and standard library (std::shuffle's results differ between them).
#pragma once
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <vector>

#include "autograd/generator.hpp"
#include "nn/data/dataset.hpp"

namespace potatolemon::data {

// LibTorch's DataLoaderOptions, as a struct: DataLoaderOptions{.batch_size = 128, ...}.
struct DataLoaderOptions {
    std::int64_t batch_size = 1;
    bool shuffle = false;
    std::uint64_t seed = 0;  // seeds the shuffling; unused without it
    bool drop_last = false;  // drop a last batch smaller than batch_size instead of yielding it
};

// Where a loader is in its sequence of epochs: how many have begun, and the state of the
// generator that will shuffle the next one (what torchdata's StatefulDataLoader saves between
// epochs).
struct DataLoaderState {
    std::int64_t epoch = 0;
    GeneratorState generator;
};

// Permutes `order` in place: Fisher–Yates with indices drawn from `gen` without modulo bias.
void shuffle_indices(std::span<std::int64_t> order, Generator& gen);

class DataLoader {
public:
    class Iterator;

    // Keeps a reference to `dataset`, which must outlive the loader. Throws
    // std::invalid_argument "DataLoader: batch_size must be >= 1, found 0".
    DataLoader(const Dataset& dataset, DataLoaderOptions options);
    DataLoader(Dataset&&, DataLoaderOptions) = delete;  // would dangle

    // Starts the next epoch, reshuffling first when shuffle is on; points at its first batch.
    Iterator begin();
    Iterator end() const;

    // Batches per epoch: ceil(N / batch_size), or floor(N / batch_size) with drop_last.
    std::int64_t size() const { return batches_; }
    // Batch i of the current epoch (of dataset order before the first begin()); the last one
    // holds the N % batch_size items left over unless drop_last. Throws IndexError.
    Batch batch(std::int64_t i) const;
    // The current epoch's item order, all N items (with drop_last the tail is never batched).
    std::span<const std::int64_t> order() const { return order_; }
    std::int64_t epoch() const { return epoch_; }  // begin() calls so far
    const DataLoaderOptions& options() const { return options_; }
    const Dataset& dataset() const { return *dataset_; }

    DataLoaderState state_dict() const { return {epoch_, gen_.get_state()}; }
    // Continues from `state`, taken between epochs: the next begin() draws the order the saved
    // loader's next begin() would have. Throws std::invalid_argument, changing nothing, for a
    // negative epoch or all-zero generator words.
    void load_state_dict(const DataLoaderState& state);

private:
    const Dataset* dataset_;
    DataLoaderOptions options_;
    Generator gen_;
    std::vector<std::int64_t> order_;
    std::int64_t batches_ = 0;
    std::int64_t epoch_ = 0;
};

// Yields batch(0), batch(1), ... of one epoch; each dereference assembles its batch anew.
class DataLoader::Iterator {
public:
    using iterator_concept = std::input_iterator_tag;
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;

    Iterator() = default;
    Iterator(const DataLoader* loader, std::int64_t index) : loader_(loader), index_(index) {}

    Batch operator*() const { return loader_->batch(index_); }
    Iterator& operator++() {
        ++index_;
        return *this;
    }
    void operator++(int) { ++index_; }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.index_ == b.index_; }

private:
    const DataLoader* loader_ = nullptr;
    std::int64_t index_ = 0;
};

}  // namespace potatolemon::data
