// Dataset: N (input, target) pairs kept as the bytes they were read as, uint8 pixels and uint8
// class labels, so memory holds a data set once (Fashion-MNIST: ≈ 55 MB, not four times that as
// float32). get_batch is the one place bytes become tensors. Batching order and shuffling live
// in loader.hpp; reading files lives in mnist.hpp.
// Dimension letters: N items in the data set, B items in a batch, F bytes per input (784).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograd/tensor.hpp"
#include "nn/data/mnist.hpp"

namespace potatolemon::data {

// LibTorch's Example names: `data` is the input, `target` the label.
struct Batch {
    Tensor data;    // float32 [B, item_shape...], each byte divided by 255, so in [0, 1]
    Tensor target;  // int64 [B], the class labels
};

class Dataset {
public:
    Dataset() = default;  // no items
    // Takes `inputs` (N × item_shape.numel() bytes, item after item) and `targets` (N bytes)
    // without copying them. Throws ShapeError "Dataset: ..." when the two counts disagree or
    // item_shape has no elements.
    Dataset(std::vector<std::uint8_t> inputs, const Shape& item_shape,
            std::vector<std::uint8_t> targets);

    std::int64_t size() const { return static_cast<std::int64_t>(targets_.size()); }
    const Shape& item_shape() const { return item_shape_; }
    std::int64_t item_numel() const { return item_numel_; }
    // All bytes as stored: the F bytes of item i start at inputs()[i * F].
    std::span<const std::uint8_t> inputs() const { return inputs_; }
    std::span<const std::uint8_t> targets() const { return targets_; }

    // The items at `indices`, in that order (repeats allowed), as one batch. Throws IndexError
    // "Dataset::get_batch: ..." naming the first index outside [0, N) and its position.
    Batch get_batch(std::span<const std::int64_t> indices) const;

private:
    std::vector<std::uint8_t> inputs_;
    std::vector<std::uint8_t> targets_;
    Shape item_shape_{0};
    std::int64_t item_numel_ = 0;
};

// An MNIST-format set as a Dataset of flattened images (item_shape [rows × cols]), moving its
// bytes rather than copying them. Throws ShapeError when the images are not [N, rows, cols] or
// the image and label counts differ (load_mnist has already checked a set it returns).
Dataset make_dataset(MnistSet set);

// load_mnist, then make_dataset: throws what load_mnist throws.
Dataset load_mnist_dataset(const std::string& images_path, const std::string& labels_path);

}  // namespace potatolemon::data
