// Dataset and DataLoader: bytes kept as bytes until a batch is made, batch values and shapes,
// batch counts with and without drop_last, range-for epochs, seeded shuffling that is the same
// on every compiler, and argument validation.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/errors.hpp"
#include "nn/data/dataset.hpp"
#include "nn/data/loader.hpp"

using namespace potatolemon;
using namespace potatolemon::data;
using Bytes = std::vector<std::uint8_t>;
using Indices = std::vector<std::int64_t>;

namespace {

static_assert(std::input_iterator<DataLoader::Iterator>);
static_assert(std::sentinel_for<DataLoader::Iterator, DataLoader::Iterator>);

// n items of 3 bytes: item i holds i, i + 100, 255 - i, and its target is i % 7.
Dataset small_dataset(std::int64_t n) {
    Bytes inputs, targets;
    for (std::int64_t i = 0; i < n; ++i) {
        auto b = static_cast<std::uint8_t>(i);
        inputs.insert(inputs.end(),
                      {b, static_cast<std::uint8_t>(b + 100), static_cast<std::uint8_t>(255 - b)});
        targets.push_back(static_cast<std::uint8_t>(i % 7));
    }
    return Dataset(std::move(inputs), Shape{3}, std::move(targets));
}

Indices targets_of(const Batch& batch) {
    const std::int64_t* t = batch.target.data<std::int64_t>();
    return Indices(t, t + batch.target.numel());
}

// The item each row came from: small_dataset's first byte is the item index (n < 100).
Indices items_of(const Batch& batch) {
    Indices items;
    const float* d = batch.data.data<float>();
    for (std::int64_t r = 0; r < batch.data.size(0); ++r)
        items.push_back(static_cast<std::int64_t>(d[r * 3] * 255.0f + 0.5f));
    return items;
}

Indices epoch_items(DataLoader& loader) {
    Indices items;
    for (const Batch& batch : loader) {
        Indices rows = items_of(batch);
        items.insert(items.end(), rows.begin(), rows.end());
    }
    return items;
}

template <class E, class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "(no exception)";
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

}  // namespace

TEST_SUITE("loader") {
    TEST_CASE("Dataset keeps the bytes it was given: moved in, not copied or converted") {
        Bytes inputs(5 * 4, 7), targets(5, 1);
        const std::uint8_t* input_bytes = inputs.data();
        const std::uint8_t* target_bytes = targets.data();
        Dataset dataset(std::move(inputs), Shape{2, 2}, std::move(targets));
        CHECK(dataset.size() == 5);
        CHECK(dataset.item_numel() == 4);
        CHECK(dataset.inputs().data() == input_bytes);
        CHECK(dataset.targets().data() == target_bytes);
        CHECK(dataset.inputs().size_bytes() == 20);  // one byte per pixel, not four
    }

    TEST_CASE("make_dataset takes an MnistSet's buffers without copying and flattens the images") {
        MnistSet set{{idx_ubyte, {4, 2, 3}, Bytes(24, 9)}, {idx_ubyte, {4}, Bytes{0, 1, 2, 3}}};
        const std::uint8_t* image_bytes = set.images.bytes.data();
        Dataset dataset = make_dataset(std::move(set));
        CHECK(dataset.inputs().data() == image_bytes);
        CHECK(dataset.item_shape() == Shape{6});
        CHECK(dataset.get_batch(Indices{3}).target.at({0}) == 3);
    }

    TEST_CASE("get_batch: float32 rows of byte / 255 and int64 targets, in the order asked") {
        Dataset dataset = small_dataset(10);
        Batch batch = dataset.get_batch(Indices{4, 0, 4, 9});
        CHECK(batch.data.dtype() == Dtype::float32);
        CHECK(batch.data.shape() == Shape{4, 3});
        CHECK(batch.target.dtype() == Dtype::int64);
        CHECK(batch.target.shape() == Shape{4});
        CHECK(targets_of(batch) == Indices{4, 0, 4, 2});
        // Row 3 is item 9: bytes 9, 109, 246; each value must be the correctly rounded float
        // quotient.
        const float* d = batch.data.data<float>();
        CHECK(d[9] == 9.0f / 255.0f);
        CHECK(d[10] == 109.0f / 255.0f);
        CHECK(d[11] == 246.0f / 255.0f);
        CHECK(dataset.get_batch(Indices{0}).data.at({0, 0}) == 0.0);
        CHECK(small_dataset(1).get_batch(Indices{0}).data.at({0, 2}) == 1.0);  // byte 255 → 1
    }

    TEST_CASE("get_batch: every byte value b becomes exactly the float b / 255") {
        Bytes inputs(256);
        std::iota(inputs.begin(), inputs.end(), std::uint8_t{0});
        Dataset dataset(std::move(inputs), Shape{}, Bytes(256, 0));
        Indices all(256);
        std::iota(all.begin(), all.end(), 0);
        const Batch batch = dataset.get_batch(all);
        const float* d = batch.data.data<float>();
        int exact = 0;
        for (int b = 0; b < 256; ++b) exact += d[b] == static_cast<float>(b) / 255.0f;
        CHECK(exact == 256);
        CHECK(batch.data.shape() == Shape{256});  // rank-0 items make a [B] batch
    }

    TEST_CASE("get_batch keeps the item shape after the batch dim") {
        Dataset dataset(Bytes(3 * 6, 1), Shape{2, 3}, Bytes(3, 0));
        CHECK(dataset.get_batch(Indices{2, 1}).data.shape() == Shape{2, 2, 3});
        CHECK(dataset.get_batch(Indices{}).data.shape() == Shape{0, 2, 3});
    }

    TEST_CASE(
        "Dataset and get_batch reject inconsistent sizes and bad indices, naming themselves") {
        CHECK_THROWS_AS(Dataset(Bytes(10), Shape{3}, Bytes(3)), ShapeError);
        CHECK(starts_with(message_of<ShapeError>([] { Dataset(Bytes(10), Shape{3}, Bytes(3)); }),
                          "Dataset: 3 targets of inputs [3] need 9 input bytes, found 10"));
        CHECK_THROWS_AS(Dataset(Bytes(0), Shape{0}, Bytes(2)), ShapeError);
        Dataset dataset = small_dataset(5);
        CHECK_THROWS_AS(dataset.get_batch(Indices{0, 5}), IndexError);
        CHECK_THROWS_AS(dataset.get_batch(Indices{-1}), IndexError);
        CHECK(message_of<IndexError>([&] {
                  dataset.get_batch(Indices{1, 2, 7});
              }) ==
              "Dataset::get_batch: index 7 at position 2 is out of range for a dataset of 5 items");
        MnistSet flat{{idx_ubyte, {4, 6}, Bytes(24)}, {idx_ubyte, {4}, Bytes(4)}};
        CHECK(starts_with(message_of<ShapeError>([&] { make_dataset(flat); }), "make_dataset: "));
    }

    TEST_CASE(
        "DataLoader: ceil(N / B) batches, the last one partial; floor(N / B) with drop_last") {
        Dataset dataset = small_dataset(10);
        DataLoader keep(dataset, {.batch_size = 4});
        DataLoader drop(dataset, {.batch_size = 4, .drop_last = true});
        CHECK(keep.size() == 3);
        CHECK(drop.size() == 2);
        CHECK(keep.batch(2).data.shape() == Shape{2, 3});
        CHECK(targets_of(keep.batch(2)) == Indices{1, 2});  // items 8 and 9
        CHECK(drop.batch(1).data.shape() == Shape{4, 3});
        CHECK(DataLoader(dataset, {.batch_size = 5, .drop_last = true}).size() == 2);  // exact fit
        CHECK(DataLoader(dataset, {.batch_size = 11}).size() == 1);
        CHECK(DataLoader(dataset, {.batch_size = 11, .drop_last = true}).size() == 0);
    }

    TEST_CASE("range-for without shuffling visits every item once, in dataset order") {
        Dataset dataset = small_dataset(10);
        DataLoader loader(dataset, {.batch_size = 3});
        std::vector<std::int64_t> sizes;
        for (const Batch& batch : loader) sizes.push_back(batch.data.size(0));
        CHECK(sizes == std::vector<std::int64_t>{3, 3, 3, 1});
        Indices all(10);
        std::iota(all.begin(), all.end(), 0);
        CHECK(epoch_items(loader) == all);
        CHECK(loader.epoch() == 2);
    }

    TEST_CASE("drop_last leaves out the tail of the epoch's order") {
        Dataset dataset = small_dataset(10);
        DataLoader loader(dataset,
                          {.batch_size = 4, .shuffle = true, .seed = 3, .drop_last = true});
        Indices items = epoch_items(loader);
        Indices order(loader.order().begin(), loader.order().end());
        CHECK(items == Indices(order.begin(), order.begin() + 8));
    }

    TEST_CASE("shuffling: each epoch is a permutation, a new one each epoch, the same for a seed") {
        Dataset dataset = small_dataset(50);
        DataLoader a(dataset, {.batch_size = 8, .shuffle = true, .seed = 7});
        DataLoader b(dataset, {.batch_size = 8, .shuffle = true, .seed = 7});
        DataLoader c(dataset, {.batch_size = 8, .shuffle = true, .seed = 8});
        Indices identity(50);
        std::iota(identity.begin(), identity.end(), 0);
        Indices previous;
        for (int epoch = 0; epoch < 3; ++epoch) {
            INFO("epoch ", epoch);
            Indices from_a = epoch_items(a), from_b = epoch_items(b), from_c = epoch_items(c);
            CHECK(from_a == from_b);
            CHECK(from_a != from_c);
            CHECK(from_a != identity);
            CHECK(from_a != previous);
            Indices sorted = from_a;
            std::sort(sorted.begin(), sorted.end());
            CHECK(sorted == identity);
            previous = from_a;
        }
    }

    TEST_CASE("shuffle order for seed 42 matches an independent transcription of the generator") {
        // Expected orders from a Python transcription of splitmix64 seeding, xoshiro256** and
        // shuffle_indices's rejection sampling and Fisher–Yates loop: any compiler must agree.
        Dataset dataset = small_dataset(10);
        DataLoader loader(dataset, {.batch_size = 10, .shuffle = true, .seed = 42});
        loader.begin();
        CHECK(Indices(loader.order().begin(), loader.order().end()) ==
              Indices{7, 3, 8, 9, 5, 6, 4, 1, 0, 2});
        loader.begin();
        CHECK(Indices(loader.order().begin(), loader.order().end()) ==
              Indices{8, 7, 0, 6, 3, 4, 2, 9, 1, 5});
    }

    TEST_CASE("shuffle_indices draws all 6 orders of 3 items about equally often") {
        Generator gen(1);
        std::map<Indices, int> counts;
        for (int trial = 0; trial < 6000; ++trial) {
            Indices order{0, 1, 2};
            shuffle_indices(order, gen);
            ++counts[order];
        }
        CHECK(counts.size() == 6);
        for (const auto& entry : counts) {  // no structured binding: clang 14's INFO can't see one
            const Indices& order = entry.first;
            INFO(order[0], order[1], order[2], ": ", entry.second);
            CHECK(entry.second > 850);  // expected 1000, standard deviation ≈ 29
            CHECK(entry.second < 1150);
        }
    }

    TEST_CASE("an empty dataset gives no batches") {
        Dataset empty_set;
        DataLoader loader(empty_set, {.batch_size = 4, .shuffle = true});
        CHECK(loader.size() == 0);
        CHECK(loader.begin() == loader.end());
    }

    TEST_CASE("DataLoader validates batch_size and batch indices, naming itself") {
        Dataset dataset = small_dataset(4);
        for (std::int64_t bad : {0, -1}) {
            CHECK_THROWS_AS(DataLoader(dataset, {.batch_size = bad}), std::invalid_argument);
            CHECK(message_of<std::invalid_argument>([&] {
                      DataLoader(dataset, {.batch_size = bad});
                  }) == "DataLoader: batch_size must be >= 1, found " + std::to_string(bad));
        }
        DataLoader loader(dataset, {.batch_size = 3});
        CHECK_THROWS_AS(loader.batch(2), IndexError);
        CHECK_THROWS_AS(loader.batch(-1), IndexError);
        CHECK(starts_with(message_of<IndexError>([&] { loader.batch(2); }), "DataLoader::batch: "));
    }

}  // TEST_SUITE
