// ReduceLROnPlateau, as torch.optim.lr_scheduler.ReduceLROnPlateau (1.13): multiplies the lr by
// `factor` once a metric has not improved for more than `patience` steps, then waits `cooldown`
// steps before counting again. Not an LRScheduler: its step takes the metric.
#pragma once
#include <cstdint>

#include "autograd/tensor.hpp"
#include "nn/optim/optimizer.hpp"
#include "nn/optim/state_dict.hpp"

namespace potatolemon::nn {

enum class PlateauMode { min, max };    // improving means decreasing (min) or increasing (max)
enum class ThresholdMode { rel, abs };  // improvement beyond best * (1 -+ threshold) or best -+ it

struct ReduceLROnPlateauOptions {
    PlateauMode mode = PlateauMode::min;
    double factor = 0.1;  // new lr = max(lr * factor, min_lr)
    std::int64_t patience = 10;
    double threshold = 1e-4;
    ThresholdMode threshold_mode = ThresholdMode::rel;
    std::int64_t cooldown = 0;
    double min_lr = 0;
    double eps = 1e-8;  // a reduction smaller than this is skipped
};

class ReduceLROnPlateau {
public:
    // Throws std::invalid_argument unless 0 <= factor < 1 and patience, threshold, cooldown,
    // min_lr and eps are >= 0.
    ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options = {});

    // One epoch's metric (NaN counts as no improvement); the tensor form takes a one-element
    // tensor (ShapeError otherwise). Throws std::logic_error once the optimiser is destroyed.
    void step(double metric);
    void step(const Tensor& metric) { step(metric.item()); }

    double get_last_lr() const { return last_lr_; }  // the optimiser's lr after the last step
    std::int64_t last_epoch() const { return last_epoch_; }
    double best() const { return best_; }  // +inf (min) or -inf (max) before the first step
    std::int64_t num_bad_epochs() const { return num_bad_epochs_; }
    std::int64_t cooldown_counter() const { return cooldown_counter_; }

    // torch's state_dict(): scalars "best", "num_bad_epochs", "cooldown_counter", "last_epoch",
    // "_last_lr" and the settings ("mode", "factor", "patience", "threshold", "threshold_mode",
    // "cooldown", "min_lrs", "eps").
    StateDict state_dict() const;
    // Throws FormatError, changing nothing, for another type, other settings or a malformed or
    // negative counter; the message names the key.
    void check_state_dict(const StateDict& state) const;
    void load_state_dict(const StateDict& state);  // check_state_dict, then takes the counters

private:
    bool is_better(double metric) const;
    io::Json::Object settings() const;

    OptimizerRef optimizer_;
    ReduceLROnPlateauOptions options_;
    double best_;
    std::int64_t num_bad_epochs_ = 0, cooldown_counter_ = 0, last_epoch_ = 0;
    double last_lr_;
};

}  // namespace potatolemon::nn
