// Learning-rate schedulers against torch 1.13: the lr after construction and after each of 40
// steps for every scheduler (alone, composed on one optimiser, under SequentialLR, with the lr
// changed by hand mid-way), and ReduceLROnPlateau's bookkeeping on scripted metric sequences, from
// reference/lr_scheduler_reference.py (reference/lr_scheduler_reference.inc). Float64 rates are
// compared exactly: the recursive formulas are evaluated in torch's order. Also: bad arguments.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
// The script writes these for non-finite values (kInf: a best of +-inf, if a reference has one).
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
[[maybe_unused]] constexpr double kInf = std::numeric_limits<double>::infinity();

struct ScheduleReference {
    std::string config;
    std::vector<double> lrs;  // after construction, then after each step
};
struct PlateauRow {
    double lr, best;
    std::int64_t num_bad_epochs, cooldown_counter;
};
struct PlateauReference {
    std::string config;
    std::vector<double> metrics;
    std::vector<PlateauRow> rows;  // after each step
};
#include "reference/lr_scheduler_reference.inc"

constexpr double kLr = 0.1;  // the script's

using Schedulers = std::vector<std::shared_ptr<nn::LRScheduler>>;
using Make = std::function<Schedulers(nn::Optimizer&)>;

template <class S, class... Args>
std::shared_ptr<nn::LRScheduler> make(nn::Optimizer& opt, Args... args) {
    return std::make_shared<S>(opt, args...);
}

// The script's SCHEDULES: the schedulers, and the steps before which the lr is halved by hand.
struct Schedule {
    Make make;
    std::vector<int> halvings = {};
};

const std::map<std::string, Schedule>& schedules() {
    using std::int64_t;
    static const std::map<std::string, Schedule> table = {
        {"step", {[](auto& o) { return Schedulers{make<nn::StepLR>(o, int64_t{3}, 0.5)}; }}},
        {"step_default_gamma",
         {[](auto& o) { return Schedulers{std::make_shared<nn::StepLR>(o, 2)}; }}},
        {"multistep", {[](auto& o) {
             return Schedulers{make<nn::MultiStepLR>(o, std::vector<int64_t>{2, 5, 9}, 0.3)};
         }}},
        {"multistep_at_zero", {[](auto& o) {
             return Schedulers{make<nn::MultiStepLR>(o, std::vector<int64_t>{0, 4}, 0.5)};
         }}},
        {"exponential", {[](auto& o) { return Schedulers{make<nn::ExponentialLR>(o, 0.9)}; }}},
        {"exponential_manual_lr",
         {[](auto& o) { return Schedulers{make<nn::ExponentialLR>(o, 0.9)}; }, {5}}},
        {"cosine",
         {[](auto& o) { return Schedulers{std::make_shared<nn::CosineAnnealingLR>(o, 10)}; }}},
        {"cosine_eta_min",
         {[](auto& o) { return Schedulers{make<nn::CosineAnnealingLR>(o, int64_t{7}, 0.01)}; }}},
        {"cosine_manual_lr",
         {[](auto& o) { return Schedulers{make<nn::CosineAnnealingLR>(o, int64_t{12}, 0.002)}; },
          {4}}},
        {"cosine_t_max_1",
         {[](auto& o) { return Schedulers{std::make_shared<nn::CosineAnnealingLR>(o, 1)}; }}},
        {"cosine_eta_min_above_lr",
         {[](auto& o) { return Schedulers{make<nn::CosineAnnealingLR>(o, int64_t{5}, 0.3)}; }}},
        {"cosine_t_max_huge", {[](auto& o) {
             return Schedulers{make<nn::CosineAnnealingLR>(
                 o, std::numeric_limits<std::int64_t>::max(), 0.01)};
         }}},
        {"linear_default", {[](auto& o) { return Schedulers{std::make_shared<nn::LinearLR>(o)}; }}},
        {"linear_decay",
         {[](auto& o) { return Schedulers{make<nn::LinearLR>(o, 1.0, 0.25, int64_t{6})}; }}},
        {"linear_warmup",
         {[](auto& o) { return Schedulers{make<nn::LinearLR>(o, 0.1, 0.8, int64_t{4})}; }}},
        {"warmup_then_cosine", {[](auto& o) {
             Schedulers children{make<nn::LinearLR>(o, 0.1, 1.0, int64_t{5}),
                                 make<nn::CosineAnnealingLR>(o, int64_t{20}, 1e-4)};
             return Schedulers{make<nn::SequentialLR>(o, children, std::vector<int64_t>{5})};
         }}},
        {"sequential_three", {[](auto& o) {
             Schedulers children{make<nn::ExponentialLR>(o, 0.9),
                                 make<nn::StepLR>(o, int64_t{3}, 0.5),
                                 make<nn::LinearLR>(o, 0.5, 1.0, int64_t{3})};
             return Schedulers{make<nn::SequentialLR>(o, children, std::vector<int64_t>{4, 10})};
         }}},
        {"sequential_cosine_first", {[](auto& o) {
             Schedulers children{make<nn::CosineAnnealingLR>(o, int64_t{6}, 0.01),
                                 make<nn::MultiStepLR>(o, std::vector<int64_t>{3, 6}, 0.5)};
             return Schedulers{make<nn::SequentialLR>(o, children, std::vector<int64_t>{8})};
         }}},
        {"chained_step_exponential", {[](auto& o) {
             return Schedulers{make<nn::StepLR>(o, int64_t{2}, 0.5),
                               make<nn::ExponentialLR>(o, 0.9)};
         }}},
    };
    return table;
}

// The script's loop: optimiser step, then every scheduler's step; the lr after each round.
std::vector<double> run(const std::string& config, std::size_t steps) {
    auto found = schedules().find(config);
    REQUIRE_MESSAGE(found != schedules().end(), "no schedule for config ", config);
    Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::SGD opt({w}, {.lr = kLr});
    Schedulers schedulers = found->second.make(opt);
    const std::vector<int>& halvings = found->second.halvings;
    std::vector<double> lrs{opt.lr()};
    for (std::size_t step = 1; step <= steps; ++step) {
        if (std::find(halvings.begin(), halvings.end(), static_cast<int>(step)) != halvings.end())
            opt.set_lr(opt.lr() / 2);
        opt.step();
        for (auto& s : schedulers) s->step();
        lrs.push_back(opt.lr());
        if (schedulers.size() == 1) CHECK(schedulers[0]->get_last_lr() == opt.lr());
    }
    if (schedulers.size() == 1) CHECK(schedulers[0]->last_epoch() == static_cast<int>(steps));
    return lrs;
}
}  // namespace

TEST_SUITE("lr_scheduler") {
TEST_CASE("every schedule sets torch's float64 learning rates exactly") {
    for (const ScheduleReference& ref : kSchedules) {
        std::vector<double> ours = run(ref.config, ref.lrs.size() - 1);
        for (std::size_t i = 0; i < ours.size(); ++i) {
            INFO(ref.config, " after step ", i);
            CHECK(ours[i] == ref.lrs[i]);
        }
    }
}

TEST_CASE("CosineAnnealingLR follows torch's recursion, not the closed form") {
    // The schedule the reference checks exactly; here, that it does differ from the closed form
    // eta_min + (base - eta_min) * (1 + cos(pi k / T)) / 2 in the last bits somewhere.
    std::vector<double> ours = run("cosine_eta_min", 40);
    int differing = 0;
    for (std::size_t k = 0; k < ours.size(); ++k) {
        const double closed =
            0.01 + (kLr - 0.01) * (1 + std::cos(std::numbers::pi * double(k) / 7)) / 2;
        CHECK(ours[k] == doctest::Approx(closed).epsilon(1e-13));
        differing += ours[k] != closed;
    }
    CHECK(differing > 0);
}

TEST_CASE("a scheduler refuses to step past int64's last_epoch, naming itself") {
    Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::SGD opt({w}, {.lr = kLr});
    nn::CosineAnnealingLR cosine(opt, 10);
    nn::StateDict state = cosine.state_dict();
    for (auto& [key, value] : state.scalars.as_object())
        if (key == "last_epoch") value = std::numeric_limits<std::int64_t>::max();
    cosine.load_state_dict(state);
    CHECK_THROWS_WITH_AS(cosine.step(), doctest::Contains("CosineAnnealingLR"),
                         std::overflow_error);
}

TEST_CASE("a scheduler's construction is its step 0; a second one on the optimiser chains") {
    Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::SGD opt({w}, {.lr = 0.2});
    nn::LinearLR warmup(opt, 0.25, 1.0, 4);
    CHECK(warmup.last_epoch() == 0);
    CHECK(opt.lr() == 0.05);
    CHECK(warmup.get_last_lr() == 0.05);
    nn::ExponentialLR decay(opt, 0.5);  // its step 0 leaves the lr alone
    CHECK(opt.lr() == 0.05);
    warmup.step();  // 0.05 * (1 + 0.75 / (4 * 0.25)) = 0.0875
    decay.step();   // then halved
    CHECK(opt.lr() == doctest::Approx(0.04375).epsilon(1e-15));
}

TEST_CASE("ReduceLROnPlateau keeps torch's best, bad-epoch and cooldown counts") {
    const std::map<std::string, nn::ReduceLROnPlateauOptions> options = {
        {"min_rel", {.factor = 0.5, .patience = 2}},
        {"min_rel_threshold", {.factor = 0.5, .patience = 1, .threshold = 0.1}},
        {"min_abs",
         {.factor = 0.2,
          .patience = 1,
          .threshold = 0.05,
          .threshold_mode = nn::ThresholdMode::abs}},
        {"max_rel",
         {.mode = nn::PlateauMode::max, .factor = 0.5, .patience = 1, .threshold = 0.01}},
        {"max_abs",
         {.mode = nn::PlateauMode::max,
          .factor = 0.5,
          .patience = 0,
          .threshold = 0.02,
          .threshold_mode = nn::ThresholdMode::abs}},
        {"max_rel_negative_metric",
         {.mode = nn::PlateauMode::max, .factor = 0.5, .patience = 1, .threshold = 0.1}},
        {"cooldown", {.factor = 0.5, .patience = 1, .cooldown = 2}},
        {"min_lr", {.factor = 0.5, .patience = 0, .min_lr = 0.02}},
        {"eps_skips_small_reductions", {.factor = 0.5, .patience = 0, .eps = 0.02}},
        {"nan_is_no_improvement", {.factor = 0.5, .patience = 1}},
        {"default_options", {}},
    };
    REQUIRE(options.size() == kPlateaus.size());
    for (const PlateauReference& ref : kPlateaus) {
        Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
        nn::SGD opt({w}, {.lr = kLr});
        nn::ReduceLROnPlateau plateau(opt, options.at(ref.config));
        for (std::size_t i = 0; i < ref.metrics.size(); ++i) {
            plateau.step(ref.metrics[i]);
            INFO(ref.config, " after metric ", i + 1, " (", ref.metrics[i], ")");
            CHECK(opt.lr() == ref.rows[i].lr);
            CHECK(plateau.get_last_lr() == ref.rows[i].lr);
            CHECK(plateau.best() == ref.rows[i].best);
            CHECK(plateau.num_bad_epochs() == ref.rows[i].num_bad_epochs);
            CHECK(plateau.cooldown_counter() == ref.rows[i].cooldown_counter);
            CHECK(plateau.last_epoch() == static_cast<std::int64_t>(i + 1));
        }
    }
}

TEST_CASE("ReduceLROnPlateau takes a one-element tensor as its metric") {
    Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::SGD opt({w}, {.lr = 1});
    nn::ReduceLROnPlateau plateau(opt, {.factor = 0.5, .patience = 0});
    plateau.step(tensor({2.0}, Dtype::float32));
    plateau.step(full(Shape{}, 3.0));
    CHECK(plateau.best() == 2.0);
    CHECK(opt.lr() == 0.5);
    CHECK_THROWS_AS(plateau.step(zeros(Shape{2})), ShapeError);
}

TEST_CASE("schedulers refuse bad arguments, naming themselves") {
    Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::SGD opt({w}, {.lr = kLr});
    auto refuses = [](const std::function<void()>& build, const char* name) {
        CHECK_THROWS_WITH_AS(build(), doctest::Contains(name), std::invalid_argument);
    };
    refuses([&] { nn::StepLR(opt, 0); }, "StepLR: invalid step_size 0");
    refuses([&] { nn::StepLR(opt, 2, 0.0); }, "StepLR: invalid gamma 0");
    refuses([&] { nn::StepLR(opt, 2, -0.5); }, "StepLR");
    refuses([&] { nn::MultiStepLR(opt, {3, 3}); }, "MultiStepLR");
    refuses([&] { nn::MultiStepLR(opt, {5, 2}); }, "MultiStepLR");
    refuses([&] { nn::MultiStepLR(opt, {-1, 2}); }, "MultiStepLR");
    refuses([&] { nn::MultiStepLR(opt, {2}, kNaN); }, "MultiStepLR: invalid gamma");
    refuses([&] { nn::ExponentialLR(opt, 0); }, "ExponentialLR");
    refuses([&] { nn::CosineAnnealingLR(opt, 0); }, "CosineAnnealingLR: invalid T_max 0");
    refuses([&] { nn::CosineAnnealingLR(opt, 5, -0.1); }, "CosineAnnealingLR");
    refuses([&] { nn::LinearLR(opt, 0.0); }, "LinearLR: invalid start_factor 0");
    refuses([&] { nn::LinearLR(opt, 1.5); }, "LinearLR");
    refuses([&] { nn::LinearLR(opt, 0.5, 1.2); }, "LinearLR: invalid end_factor");
    refuses([&] { nn::LinearLR(opt, 0.5, 1.0, 0); }, "LinearLR: invalid total_iters");
    refuses([&] { nn::ReduceLROnPlateau(opt, {.factor = 1.0}); }, "ReduceLROnPlateau");
    refuses([&] { nn::ReduceLROnPlateau(opt, {.factor = -0.5}); }, "ReduceLROnPlateau");
    refuses([&] { nn::ReduceLROnPlateau(opt, {.patience = -1}); }, "ReduceLROnPlateau");
    refuses([&] { nn::ReduceLROnPlateau(opt, {.threshold = -1e-4}); }, "ReduceLROnPlateau");
    refuses([&] { nn::ReduceLROnPlateau(opt, {.cooldown = -2}); }, "ReduceLROnPlateau");
    refuses([&] { nn::ReduceLROnPlateau(opt, {.min_lr = -1}); }, "ReduceLROnPlateau");
    refuses([&] { nn::ReduceLROnPlateau(opt, {.eps = kNaN}); }, "ReduceLROnPlateau");
    CHECK(opt.lr() == kLr);  // a refused scheduler never stepped
}

TEST_CASE("the base rate is the lr when the first scheduler started; a refused one leaves none") {
    // SequentialLR restarts from the base rate, which shows which lr was recorded.
    Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::SGD opt({w}, {.lr = 0.1});
    CHECK_THROWS_AS(nn::StepLR(opt, 0), std::invalid_argument);
    opt.set_lr(0.4);
    auto decay = std::make_shared<nn::ExponentialLR>(opt, 0.5);
    opt.set_lr(0.3);
    nn::SequentialLR sequential(opt, {decay}, {});
    CHECK(opt.lr() == 0.4);
    CHECK(sequential.get_last_lr() == 0.4);
    CHECK(decay->last_epoch() == 0);
}

TEST_CASE("SequentialLR refuses children of another optimiser and mismatched milestones") {
    Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
    nn::SGD opt({w}, {.lr = kLr});
    nn::SGD other({w}, {.lr = kLr});
    auto mine = std::make_shared<nn::LinearLR>(opt);
    auto theirs = std::make_shared<nn::ExponentialLR>(other, 0.9);
    auto sequential = [&](nn::Optimizer& o, Schedulers children, std::vector<std::int64_t> m) {
        return nn::SequentialLR(o, std::move(children), std::move(m));
    };
    CHECK_THROWS_WITH_AS(sequential(opt, {mine, theirs}, {3}),
                         doctest::Contains("SequentialLR: scheduler 1 (ExponentialLR) was built on "
                                           "another optimizer"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(sequential(other, {mine}, {}),
                         doctest::Contains("SequentialLR: scheduler 0 (LinearLR)"),
                         std::invalid_argument);
    auto mine2 = std::make_shared<nn::ExponentialLR>(opt, 0.9);
    CHECK_THROWS_WITH_AS(sequential(opt, {mine, mine2}, {}), doctest::Contains("SequentialLR"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(sequential(opt, {mine, mine2}, {0}), doctest::Contains("SequentialLR"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(sequential(opt, {mine, mine2, mine}, {4, 4}),
                         doctest::Contains("SequentialLR"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(sequential(opt, {}, {}), doctest::Contains("SequentialLR"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(sequential(opt, {mine, nullptr}, {2}),
                         doctest::Contains("SequentialLR: scheduler 1 is null"),
                         std::invalid_argument);
    auto nested = std::make_shared<nn::SequentialLR>(opt, Schedulers{mine}, std::vector<int64_t>{});
    CHECK_THROWS_WITH_AS(sequential(opt, {mine2, nested}, {2}), doctest::Contains("nested"),
                         std::invalid_argument);
}

TEST_CASE("a scheduler that outlives its optimiser throws instead of touching it") {
    std::unique_ptr<nn::StepLR> step;
    std::unique_ptr<nn::ReduceLROnPlateau> plateau;
    {
        Tensor w = zeros(Shape{1}, Dtype::float64).requires_grad_();
        nn::SGD opt({w}, {.lr = kLr});
        step = std::make_unique<nn::StepLR>(opt, 2);
        plateau = std::make_unique<nn::ReduceLROnPlateau>(opt);
    }
    CHECK_THROWS_WITH_AS(step->step(), doctest::Contains("StepLR: its optimizer was destroyed"),
                         std::logic_error);
    CHECK_THROWS_WITH_AS(plateau->step(1.0), doctest::Contains("ReduceLROnPlateau"),
                         std::logic_error);
    CHECK(step->get_last_lr() == kLr);  // what it set while the optimiser lived
}

}  // TEST_SUITE
