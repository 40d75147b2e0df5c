// The schedulers' rates, each in the arithmetic order of torch 1.13's get_lr() and
// _get_closed_form_lr() (Python floats are doubles, so the same order rounds the same way).
#include "nn/optim/lr_scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

namespace potatolemon::nn {

LRScheduler::LRScheduler(Optimizer& optimizer, const char* name)
    : name_(name), optimizer_(optimizer) {}

void LRScheduler::start() {
    Optimizer& opt = optimizer();
    if (!opt.initial_lr_) opt.initial_lr_ = opt.lr();
    base_lr_ = *opt.initial_lr_;
    step();
}

void LRScheduler::check_argument(bool ok, const char* name, const char* what, double value) {
    if (ok) return;
    std::ostringstream message;
    message << name << ": invalid " << what << " " << value;
    throw std::invalid_argument(message.str());
}

namespace {
// last_epoch + 1, refused past int64 (a loaded state may hold any count).
std::int64_t next_epoch(std::int64_t epoch, const char* name) {
    if (epoch == std::numeric_limits<std::int64_t>::max())
        throw std::overflow_error(std::string(name) + ": last_epoch " + std::to_string(epoch) +
                                  " cannot step further (int64)");
    return epoch + 1;
}
}  // namespace

void LRScheduler::step() {
    last_epoch_ = next_epoch(last_epoch_, name_);
    apply(get_lr());
}

void LRScheduler::step_to(std::int64_t epoch) {
    last_epoch_ = epoch;
    apply(closed_form_lr());
}

void LRScheduler::apply(double lr) {
    Optimizer& opt = optimizer();
    opt.set_lr(lr);
    last_lr_ = opt.lr();
}

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer, "StepLR"), step_size_(step_size), gamma_(gamma) {
    check_argument(step_size >= 1, name_, "step_size", static_cast<double>(step_size));
    check_argument(gamma > 0, name_, "gamma", gamma);
    start();
}

double StepLR::get_lr() const {
    if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return current_lr();
    return current_lr() * gamma_;
}

double StepLR::closed_form_lr() const {
    return base_lr_ * std::pow(gamma_, static_cast<double>(last_epoch_ / step_size_));
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma)
    : LRScheduler(optimizer, "MultiStepLR"), milestones_(std::move(milestones)), gamma_(gamma) {
    for (std::size_t i = 0; i < milestones_.size(); ++i)
        check_argument(milestones_[i] >= 0 && (i == 0 || milestones_[i] > milestones_[i - 1]),
                       name_, "milestone (need non-negative, strictly increasing)",
                       static_cast<double>(milestones_[i]));
    check_argument(gamma > 0, name_, "gamma", gamma);
    start();
}

double MultiStepLR::get_lr() const {
    const bool milestone = std::binary_search(milestones_.begin(), milestones_.end(), last_epoch_);
    return milestone ? current_lr() * gamma_ : current_lr();
}

double MultiStepLR::closed_form_lr() const {
    const auto passed =
        std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin();
    return base_lr_ * std::pow(gamma_, static_cast<double>(passed));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : LRScheduler(optimizer, "ExponentialLR"), gamma_(gamma) {
    check_argument(gamma > 0, name_, "gamma", gamma);
    start();
}

double ExponentialLR::get_lr() const {
    return last_epoch_ == 0 ? current_lr() : current_lr() * gamma_;
}

double ExponentialLR::closed_form_lr() const {
    return base_lr_ * std::pow(gamma_, static_cast<double>(last_epoch_));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t t_max, double eta_min)
    : LRScheduler(optimizer, "CosineAnnealingLR"), t_max_(t_max), eta_min_(eta_min) {
    check_argument(t_max >= 1, name_, "T_max", static_cast<double>(t_max));
    check_argument(eta_min >= 0, name_, "eta_min", eta_min);
    start();
}

// torch's recursion multiplies the distance to eta_min by the ratio of consecutive cosine terms.
// Where the previous term is 1 + cos(pi) = 0 (epoch - 1 = t_max, 3 t_max, ...) the ratio is
// undefined, so that step adds the closed form's increment instead. torch's third case (first
// step with last_epoch > 0) needs a resumed scheduler, which these constructors do not offer.
double CosineAnnealingLR::get_lr() const {
    constexpr double pi = std::numbers::pi;
    const double k = static_cast<double>(last_epoch_), t = static_cast<double>(t_max_);
    if (last_epoch_ == 0) return current_lr();
    // torch's test (epoch - 1 - t_max) % (2 t_max) == 0 as an odd quotient: 2 t_max and
    // -1 - t_max would overflow int64 for T_max past 2^62 (Python's integers do not).
    const std::int64_t previous = last_epoch_ - 1;  // >= 0 here
    if (previous % t_max_ == 0 && (previous / t_max_) % 2 == 1)
        return current_lr() + (base_lr_ - eta_min_) * (1 - std::cos(pi / t)) / 2;
    return (1 + std::cos(pi * k / t)) / (1 + std::cos(pi * (k - 1) / t)) *
               (current_lr() - eta_min_) +
           eta_min_;
}

double CosineAnnealingLR::closed_form_lr() const {
    constexpr double pi = std::numbers::pi;
    const double k = static_cast<double>(last_epoch_), t = static_cast<double>(t_max_);
    return eta_min_ + (base_lr_ - eta_min_) * (1 + std::cos(pi * k / t)) / 2;
}

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor,
                   std::int64_t total_iters)
    : LRScheduler(optimizer, "LinearLR"),
      start_factor_(start_factor),
      end_factor_(end_factor),
      total_iters_(total_iters) {
    // torch allows start_factor 0, which then divides by zero at epoch 1.
    check_argument(start_factor > 0 && start_factor <= 1, name_, "start_factor", start_factor);
    check_argument(end_factor >= 0 && end_factor <= 1, name_, "end_factor", end_factor);
    check_argument(total_iters >= 1, name_, "total_iters", static_cast<double>(total_iters));
    start();
}

double LinearLR::get_lr() const {
    if (last_epoch_ == 0) return current_lr() * start_factor_;
    if (last_epoch_ > total_iters_) return current_lr();
    const double span = end_factor_ - start_factor_;
    return current_lr() * (1. + span / (static_cast<double>(total_iters_) * start_factor_ +
                                        static_cast<double>(last_epoch_ - 1) * span));
}

double LinearLR::closed_form_lr() const {
    const double done = static_cast<double>(std::min(total_iters_, last_epoch_));
    return base_lr_ * (start_factor_ +
                       (end_factor_ - start_factor_) * done / static_cast<double>(total_iters_));
}

SequentialLR::SequentialLR(Optimizer& optimizer,
                           std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<std::int64_t> milestones)
    : LRScheduler(optimizer, "SequentialLR"),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
    if (schedulers_.empty())
        throw std::invalid_argument("SequentialLR: needs at least one scheduler");
    for (std::size_t i = 0; i < schedulers_.size(); ++i) {
        const std::string which = "SequentialLR: scheduler " + std::to_string(i);
        if (!schedulers_[i]) throw std::invalid_argument(which + " is null");
        if (!schedulers_[i]->optimizer_.refers_to(optimizer))
            throw std::invalid_argument(which + " (" + schedulers_[i]->name_ +
                                        ") was built on another optimizer");
        // torch restarts a child at a milestone by step(0), which SequentialLR does not take.
        if (dynamic_cast<const SequentialLR*>(schedulers_[i].get()))
            throw std::invalid_argument(which + " is a SequentialLR, which cannot be nested");
    }
    if (milestones_.size() + 1 != schedulers_.size())
        throw std::invalid_argument("SequentialLR: " + std::to_string(schedulers_.size()) +
                                    " schedulers need " + std::to_string(schedulers_.size() - 1) +
                                    " milestones, got " + std::to_string(milestones_.size()));
    for (std::size_t i = 0; i < milestones_.size(); ++i)
        check_argument(milestones_[i] >= 1 && (i == 0 || milestones_[i] > milestones_[i - 1]),
                       name_, "milestone (need >= 1, strictly increasing)",
                       static_cast<double>(milestones_[i]));
    base_lr_ = schedulers_[0]->base_lr_;  // the optimiser's initial_lr, set when it started
    last_epoch_ = 0;
    optimizer.set_lr(base_lr_);
    for (const auto& s : schedulers_) --s->last_epoch_;
    schedulers_[0]->step();
    last_lr_ = schedulers_[0]->last_lr_;
}

LRScheduler& SequentialLR::active() const {
    const auto index =
        std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin();
    return *schedulers_[static_cast<std::size_t>(index)];
}

void SequentialLR::step() {
    last_epoch_ = next_epoch(last_epoch_, name_);
    LRScheduler& scheduler = active();
    if (std::binary_search(milestones_.begin(), milestones_.end(), last_epoch_))
        scheduler.step_to(0);
    else
        scheduler.step();
    last_lr_ = scheduler.last_lr_;
}

}  // namespace potatolemon::nn
