// ReduceLROnPlateau's bookkeeping, step for step as torch 1.13's (the comparisons with the
// threshold, the cooldown that discards bad epochs, the eps below which a reduction is skipped).
#include "nn/optim/reduce_lr_on_plateau.hpp"

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace potatolemon::nn {

namespace {
void check_option(bool ok, const char* what, double value) {
    if (ok) return;
    std::ostringstream message;
    message << "ReduceLROnPlateau: invalid " << what << " " << value;
    throw std::invalid_argument(message.str());
}
}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options)
    : optimizer_(optimizer), options_(options), last_lr_(optimizer.lr()) {
    check_option(options.factor >= 0 && options.factor < 1, "factor (need 0 <= factor < 1)",
                 options.factor);
    check_option(options.patience >= 0, "patience", static_cast<double>(options.patience));
    check_option(options.threshold >= 0, "threshold", options.threshold);
    check_option(options.cooldown >= 0, "cooldown", static_cast<double>(options.cooldown));
    check_option(options.min_lr >= 0, "min_lr", options.min_lr);
    check_option(options.eps >= 0, "eps", options.eps);
    const double inf = std::numeric_limits<double>::infinity();
    best_ = options.mode == PlateauMode::min ? inf : -inf;
}

bool ReduceLROnPlateau::is_better(double metric) const {
    const double threshold = options_.threshold;
    const bool rel = options_.threshold_mode == ThresholdMode::rel;
    if (options_.mode == PlateauMode::min)
        return rel ? metric < best_ * (1. - threshold) : metric < best_ - threshold;
    return rel ? metric > best_ * (threshold + 1.) : metric > best_ + threshold;
}

void ReduceLROnPlateau::step(double metric) {
    Optimizer& optimizer = optimizer_.get("ReduceLROnPlateau");
    ++last_epoch_;
    if (is_better(metric)) {
        best_ = metric;
        num_bad_epochs_ = 0;
    } else {
        ++num_bad_epochs_;
    }
    if (cooldown_counter_ > 0) {
        --cooldown_counter_;
        num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
    }
    if (num_bad_epochs_ > options_.patience) {
        const double old_lr = optimizer.lr();
        const double new_lr = std::max(old_lr * options_.factor, options_.min_lr);
        if (old_lr - new_lr > options_.eps) optimizer.set_lr(new_lr);
        cooldown_counter_ = options_.cooldown;
        num_bad_epochs_ = 0;
    }
    last_lr_ = optimizer.lr();
}

}  // namespace potatolemon::nn
