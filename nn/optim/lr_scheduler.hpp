// Learning-rate schedulers on one base, LRScheduler, as torch.optim.lr_scheduler (1.13): each sets
// its optimiser's lr when constructed (last_epoch 0) and at every step(), by the recursive
// ("chainable") formulas of torch's get_lr(), so float64 rates agree with torch's to rounding and
// schedulers on one optimiser compose by multiplying. ReduceLROnPlateau, which follows a metric
// instead of the epoch count, is in reduce_lr_on_plateau.hpp. state_dict()/load_state_dict() save
// and restore the position (the optimiser's lr is the optimiser's state).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "nn/optim/optimizer.hpp"

namespace potatolemon::nn {

class LRScheduler {
public:
    virtual ~LRScheduler() = default;
    LRScheduler(const LRScheduler&) = delete;
    LRScheduler& operator=(const LRScheduler&) = delete;

    // Advances last_epoch by one and sets the optimiser's lr (call it after optimizer.step()).
    // Throws std::logic_error once the optimiser is destroyed, std::overflow_error when
    // last_epoch (a loaded one) is int64's largest.
    virtual void step();
    double get_last_lr() const { return last_lr_; }  // the lr this scheduler set last
    std::int64_t last_epoch() const { return last_epoch_; }
    Optimizer& optimizer() const { return optimizer_.get(name_); }
    const char* name() const { return name_; }

    // torch's scheduler.state_dict(): scalars {"last_epoch", "base_lrs": [rate], "_last_lr":
    // [rate]} and the settings by torch's names ("step_size", "gamma", "T_max", ...);
    // SequentialLR adds "_milestones" and "_schedulers" (its children's, each with its "type").
    virtual StateDict state_dict() const;
    // Throws FormatError, changing nothing, for another scheduler type, settings unlike this
    // one's (a resumed run must be the same run) or a malformed position; the message names the
    // key.
    virtual void check_state_dict(const StateDict& state) const;
    // check_state_dict, then takes last_epoch, the base rate and the last rate.
    virtual void load_state_dict(const StateDict& state);

protected:
    LRScheduler(Optimizer& optimizer, const char* name);
    // The end of a concrete constructor, after its checks: takes the base rate, which for every
    // scheduler on an optimiser is its lr when the first one started (PyTorch's initial_lr), and
    // takes step 0.
    void start();
    // The next rate from the optimiser's current one, at last_epoch_ (torch's get_lr).
    virtual double get_lr() const = 0;
    // The rate at last_epoch_ from base_lr_ alone (torch's _get_closed_form_lr).
    virtual double closed_form_lr() const = 0;
    double current_lr() const { return optimizer().lr(); }
    static void check_argument(bool ok, const char* name, const char* what, double value);
    // This scheduler's settings by torch's names, compared on load.
    virtual io::Json::Object settings() const = 0;

    const char* name_;
    double base_lr_ = 0;
    std::int64_t last_epoch_ = -1;

private:
    friend class SequentialLR;
    void apply(double lr);
    // The checks and the taking of last_epoch, base_lrs and _last_lr, shared with SequentialLR,
    // whose state has no base_lrs (as torch's) and the members named in `more`.
    void check_position(const io::Json& scalars, const std::string& who,
                        const std::vector<std::string>& more) const;
    void take_position(const io::Json& scalars, const std::string& who);
    bool has_base_lrs() const;
    // torch's step(epoch), which SequentialLR uses at a milestone: jump to `epoch` by the closed
    // form.
    void step_to(std::int64_t epoch);

    OptimizerRef optimizer_;
    double last_lr_ = 0;
};

// lr * gamma every step_size steps. Throws std::invalid_argument unless step_size >= 1 and
// gamma > 0.
class StepLR : public LRScheduler {
public:
    StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);

private:
    double get_lr() const override;
    double closed_form_lr() const override;
    io::Json::Object settings() const override;
    std::int64_t step_size_;
    double gamma_;
};

// lr * gamma at each milestone epoch. Throws std::invalid_argument unless the milestones are
// non-negative and strictly increasing and gamma > 0.
class MultiStepLR : public LRScheduler {
public:
    MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma = 0.1);

private:
    double get_lr() const override;
    double closed_form_lr() const override;
    io::Json::Object settings() const override;
    std::vector<std::int64_t> milestones_;
    double gamma_;
};

// lr * gamma every step. Throws std::invalid_argument unless gamma > 0.
class ExponentialLR : public LRScheduler {
public:
    ExponentialLR(Optimizer& optimizer, double gamma);

private:
    double get_lr() const override;
    double closed_form_lr() const override;
    io::Json::Object settings() const override;
    double gamma_;
};

// eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / t_max)) / 2, reached recursively as torch
// does (which differs from this closed form in the last bits); past t_max the cosine continues.
// Throws std::invalid_argument unless t_max >= 1 and eta_min >= 0.
class CosineAnnealingLR : public LRScheduler {
public:
    CosineAnnealingLR(Optimizer& optimizer, std::int64_t t_max, double eta_min = 0);

private:
    double get_lr() const override;
    double closed_form_lr() const override;
    io::Json::Object settings() const override;
    std::int64_t t_max_;
    double eta_min_;
};

// Warm-up: base_lr times a factor going linearly from start_factor (epoch 0) to end_factor (epoch
// total_iters), then constant. Throws std::invalid_argument unless 0 < start_factor <= 1,
// 0 <= end_factor <= 1 and total_iters >= 1.
class LinearLR : public LRScheduler {
public:
    LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0,
             std::int64_t total_iters = 5);

private:
    double get_lr() const override;
    double closed_form_lr() const override;
    io::Json::Object settings() const override;
    double start_factor_, end_factor_;
    std::int64_t total_iters_;
};

// Runs schedulers[0] until milestones[0], then schedulers[1] (restarted at its epoch 0) until
// milestones[1], and so on. Construction resets the lr to the base rate and restarts
// schedulers[0], undoing the steps the children took when they were built, as torch.
// Throws std::invalid_argument if a scheduler is null, was built on another optimiser or is itself
// a SequentialLR, or unless there is one milestone fewer than schedulers, each >= 1 and strictly
// increasing.
class SequentialLR final : public LRScheduler {
public:
    SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                 std::vector<std::int64_t> milestones);
    void step() override;
    StateDict state_dict() const override;
    void check_state_dict(const StateDict& state) const override;
    void load_state_dict(const StateDict& state) override;

private:
    io::Json::Object settings() const override;
    // What the scheduler in charge at last_epoch_ computes.
    LRScheduler& active() const;
    double get_lr() const override { return active().get_lr(); }
    double closed_form_lr() const override { return active().closed_form_lr(); }
    std::vector<std::shared_ptr<LRScheduler>> schedulers_;
    std::vector<std::int64_t> milestones_;
};

}  // namespace potatolemon::nn
