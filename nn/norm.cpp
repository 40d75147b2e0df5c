#include "nn/norm.hpp"

#include <sstream>
#include <utility>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_norm.hpp"

namespace potatolemon::nn {

namespace {
const Tensor& none() {
    static const Tensor undefined;
    return undefined;
}

// num_batches_tracked's increment, also as a replay record (the count is a buffer from before
// the capture, counted at each replay as eager counts it).
struct CountRecord {
    static constexpr const char* name = "num_batches_tracked";
    std::int64_t* count;
    static void run(const CountRecord& r) { ++*r.count; }
};

// "(4, 5)", and "(4,)" for one dim, as Python prints a tuple.
std::string tuple_repr(const std::vector<std::int64_t>& dims) {
    std::string out = "(";
    for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
    return out + (dims.size() == 1 ? ",)" : ")");
}
}  // namespace

BatchNormBase::BatchNormBase(std::int64_t num_features, BatchNormOptions options, const char* name,
                             int min_rank, int max_rank)
    : features_(num_features),
      options_(options),
      name_(name),
      min_rank_(min_rank),
      max_rank_(max_rank) {
    if (features_ < 0)
        throw ShapeError(std::string(name_) + ": num_features " + std::to_string(features_) +
                         " must be >= 0");
    if (options_.affine) {
        register_parameter("weight", ones(Shape{features_}));
        register_parameter("bias", zeros(Shape{features_}));
    }
    if (options_.track_running_stats) {
        register_buffer("running_mean", zeros(Shape{features_}));
        register_buffer("running_var", ones(Shape{features_}));
        register_buffer("num_batches_tracked", zeros(Shape{}, Dtype::int64));
    }
}

const Tensor& BatchNormBase::weight() const {
    return options_.affine ? parameter(0) : none();
}
const Tensor& BatchNormBase::bias() const {
    return options_.affine ? parameter(1) : none();
}
const Tensor& BatchNormBase::running_mean() const {
    return options_.track_running_stats ? buffer(0) : none();
}
const Tensor& BatchNormBase::running_var() const {
    return options_.track_running_stats ? buffer(1) : none();
}
std::int64_t BatchNormBase::num_batches_tracked() const {
    return options_.track_running_stats ? buffer(2).data<std::int64_t>()[0] : 0;
}

void BatchNormBase::check_input(const Tensor& x, bool batch_stats) const {
    check_defined(x, name_);
    const char* layout = max_rank_ == 4 ? "[N, C, H, W]" : "[N, C] or [N, C, L]";
    if (x.dim() < min_rank_ || x.dim() > max_rank_ || x.shape()[1] != features_)
        throw ShapeError(std::string(name_) + ": expected input " + layout + " with C = " +
                         std::to_string(features_) + ", got " + to_string(x.shape()));
    if (batch_stats && x.numel() == features_)
        throw ShapeError(std::string(name_) + ": expected more than 1 value per channel when " +
                         "using batch statistics, got input " + to_string(x.shape()));
}

Tensor BatchNormBase::forward(const Tensor& x) {
    const bool track = options_.track_running_stats;
    const bool batch_stats = is_training() || !track;
    check_input(x, batch_stats);
    const bool update = is_training() && track;
    const std::int64_t count = num_batches_tracked() + (update ? 1 : 0);
    const double factor = !update             ? 0.0
                          : options_.momentum ? *options_.momentum
                                              : 1.0 / static_cast<double>(count);
    if (update && !options_.momentum)  // a factor that changes each step: no constant to replay
        detail::capture_unsupported("BatchNorm's cumulative average (momentum=None)");
    Tensor out = batch_norm(x, running_mean(), running_var(), weight(), bias(), batch_stats, factor,
                            options_.eps);
    // Counted only once the forward succeeded, so a refused input leaves the module unchanged.
    if (update) {
        const CountRecord r{buffer(2).data<std::int64_t>()};
        CountRecord::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {}, {});  // the count persists across steps
    }
    return out;
}

std::string BatchNormBase::describe() const {
    std::ostringstream out;
    out << name_ << "(" << features_ << ", eps=" << options_.eps << ", momentum=";
    if (options_.momentum)
        out << *options_.momentum;
    else
        out << "None";
    out << ", affine=" << (options_.affine ? "true" : "false")
        << ", track_running_stats=" << (options_.track_running_stats ? "true" : "false") << ")";
    return out.str();
}

LayerNorm::LayerNorm(std::vector<std::int64_t> normalized_shape, double eps,
                     bool elementwise_affine)
    : shape_(std::move(normalized_shape)), eps_(eps), affine_(elementwise_affine) {
    Shape shape;
    for (std::int64_t d : shape_) {
        if (d < 0)
            throw ShapeError("LayerNorm: normalized_shape " + tuple_repr(shape_) +
                             " has a negative size");
        shape.push_back(d);
    }
    if (!affine_) return;
    register_parameter("weight", ones(shape));
    register_parameter("bias", zeros(shape));
}

const Tensor& LayerNorm::weight() const {
    return affine_ ? parameter(0) : none();
}
const Tensor& LayerNorm::bias() const {
    return affine_ ? parameter(1) : none();
}

Tensor LayerNorm::forward(const Tensor& x) {
    return layer_norm(x, shape_, weight(), bias(), eps_);
}

std::string LayerNorm::describe() const {
    std::ostringstream out;
    out << "LayerNorm(" << tuple_repr(shape_) << ", eps=" << eps_
        << ", elementwise_affine=" << (affine_ ? "true" : "false") << ")";
    return out.str();
}

}  // namespace potatolemon::nn
