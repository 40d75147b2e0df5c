// ReduceLROnPlateau's bookkeeping, step for step as torch 1.13's (the comparisons with the
// threshold, the cooldown that discards bad epochs, the eps below which a reduction is skipped).
#include "nn/optim/reduce_lr_on_plateau.hpp"

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

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

namespace potatolemon::nn {

namespace {
const char* const plateau_loader = "ReduceLROnPlateau::load_state_dict";
const std::vector<std::string> plateau_counters = {"best", "num_bad_epochs", "cooldown_counter",
                                                   "last_epoch", "_last_lr"};
}  // namespace

io::Json::Object ReduceLROnPlateau::settings() const {
    const ReduceLROnPlateauOptions& o = options_;
    return {{"mode", o.mode == PlateauMode::min ? "min" : "max"},
            {"factor", o.factor},
            {"patience", o.patience},
            {"threshold", o.threshold},
            {"threshold_mode", o.threshold_mode == ThresholdMode::rel ? "rel" : "abs"},
            {"cooldown", o.cooldown},
            {"min_lrs", io::Json::Array{o.min_lr}},
            {"eps", o.eps}};
}

StateDict ReduceLROnPlateau::state_dict() const {
    io::Json::Object scalars{{"best", json_double(best_)},
                             {"num_bad_epochs", num_bad_epochs_},
                             {"cooldown_counter", cooldown_counter_},
                             {"last_epoch", last_epoch_},
                             {"_last_lr", io::Json::Array{json_double(last_lr_)}}};
    for (auto& member : settings()) scalars.push_back(std::move(member));
    return {"ReduceLROnPlateau", io::Json(std::move(scalars)), {}};
}

void ReduceLROnPlateau::check_state_dict(const StateDict& state) const {
    check_state_type(state, "ReduceLROnPlateau", plateau_loader);
    check_state_settings(state.scalars, settings(), plateau_counters, plateau_loader);
    state_double(state.scalars, "best", plateau_loader);
    state_single(state.scalars, "_last_lr", plateau_loader);
    for (const char* key : {"num_bad_epochs", "cooldown_counter", "last_epoch"})
        if (state_int(state.scalars, key, plateau_loader) < 0)
            throw FormatError(std::string(plateau_loader) + ": '" + key + "' is negative");
}

void ReduceLROnPlateau::load_state_dict(const StateDict& state) {
    check_state_dict(state);
    best_ = state_double(state.scalars, "best", plateau_loader);
    num_bad_epochs_ = state_int(state.scalars, "num_bad_epochs", plateau_loader);
    cooldown_counter_ = state_int(state.scalars, "cooldown_counter", plateau_loader);
    last_epoch_ = state_int(state.scalars, "last_epoch", plateau_loader);
    last_lr_ = state_single(state.scalars, "_last_lr", plateau_loader);
}

}  // namespace potatolemon::nn
