// Normalisation layers over autograd's batch_norm and layer_norm, with torch.nn's arguments,
// parameter and buffer names, initialisation (weight ones, bias zeros, running mean zeros,
// running variance ones) and running-statistics rules, so state_dicts load either way.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace potatolemon::nn {

struct BatchNormOptions {
    double eps = 1e-5;
    // Weight of the newest batch in the running statistics; nullopt gives the cumulative
    // moving average (weight 1 / num_batches_tracked), as torch's momentum=None.
    std::optional<double> momentum = 0.1;
    bool affine = true;               // learnable per-channel "weight" and "bias"
    bool track_running_stats = true;  // "running_mean", "running_var", "num_batches_tracked"
};

// What BatchNorm1d and BatchNorm2d share (torch's _BatchNorm): in training, or whenever running
// statistics are not tracked, each channel is normalised with its batch mean and biased
// variance; a training forward that tracks them increments num_batches_tracked and moves the
// running mean and unbiased variance towards the batch's. In eval mode the running statistics
// normalise.
class BatchNormBase : public Module {
public:
    // Throws ShapeError for an input of another rank or channel count, or for one value per
    // channel in a forward that uses batch statistics (its variance is undefined), as torch.
    Tensor forward(const Tensor& x) override;
    // "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)"
    std::string describe() const override;

    const Tensor& weight() const;              // [C]; undefined unless affine
    const Tensor& bias() const;                // [C]; undefined unless affine
    const Tensor& running_mean() const;        // [C]; undefined unless track_running_stats
    const Tensor& running_var() const;         // [C]; undefined unless track_running_stats
    std::int64_t num_batches_tracked() const;  // 0 unless track_running_stats
    std::int64_t num_features() const { return features_; }
    const BatchNormOptions& options() const { return options_; }

protected:
    // `name` heads messages; inputs are [N, C, ...] of rank min_rank to max_rank. Throws
    // ShapeError when num_features is negative.
    BatchNormBase(std::int64_t num_features, BatchNormOptions options, const char* name,
                  int min_rank, int max_rank);

private:
    void check_input(const Tensor& x, bool batch_stats) const;

    std::int64_t features_;
    BatchNormOptions options_;
    const char* name_;
    int min_rank_, max_rank_;
};

// Inputs [N, C] or [N, C, L].
class BatchNorm1d : public BatchNormBase {
public:
    explicit BatchNorm1d(std::int64_t num_features, BatchNormOptions options = {})
        : BatchNormBase(num_features, options, "BatchNorm1d", 2, 3) {}
    std::shared_ptr<Module> clone() const override { return std::make_shared<BatchNorm1d>(*this); }
};

// Inputs [N, C, H, W].
class BatchNorm2d : public BatchNormBase {
public:
    explicit BatchNorm2d(std::int64_t num_features, BatchNormOptions options = {})
        : BatchNormBase(num_features, options, "BatchNorm2d", 4, 4) {}
    std::shared_ptr<Module> clone() const override { return std::make_shared<BatchNorm2d>(*this); }
};

// Normalises over the trailing dims `normalized_shape` of each input (biased variance), then
// scales and shifts elementwise by "weight" and "bias" of that shape when elementwise_affine.
class LayerNorm : public Module {
public:
    // Throws ShapeError for a negative size in normalized_shape.
    explicit LayerNorm(std::vector<std::int64_t> normalized_shape, double eps = 1e-5,
                       bool elementwise_affine = true);
    // x [..., *normalized_shape] → the same shape; layer_norm's ShapeError for other inputs.
    Tensor forward(const Tensor& x) override;
    // "LayerNorm((4,), eps=1e-05, elementwise_affine=true)"
    std::string describe() const override;
    std::shared_ptr<Module> clone() const override { return std::make_shared<LayerNorm>(*this); }

    const Tensor& weight() const;  // undefined unless elementwise_affine
    const Tensor& bias() const;    // undefined unless elementwise_affine
    const std::vector<std::int64_t>& normalized_shape() const { return shape_; }

private:
    std::vector<std::int64_t> shape_;
    double eps_;
    bool affine_;
};

}  // namespace potatolemon::nn
