#include "nn/pooling.hpp"

#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_pool.hpp"

namespace potatolemon::nn {

namespace {
// torch prints a pooling size as given: one number when both sides agree, else the pair.
std::string size_repr(Size2 s) {
    return s.h == s.w ? std::to_string(s.h) : to_string(s);
}
}  // namespace

Tensor MaxPool2d::forward(const Tensor& x) {
    return max_pool2d(x, kernel_, stride_, padding_, dilation_);
}

Tensor MaxPool2d::forward_after_relu(const Tensor& x) {
    const Shape& s = x.shape();
    const int r = s.rank();
    const bool fused = kernel_ == Size2{2} && stride_ == Size2{2} && padding_ == Size2{0} &&
                       dilation_ == Size2{1} && is_floating(x.dtype()) && (r == 3 || r == 4) &&
                       s[r - 3] > 0 && s[r - 2] >= 2 && s[r - 1] >= 2;
    return fused ? relu_max_pool2d(x, kernel_, stride_, padding_, dilation_) : forward(relu(x));
}

Tensor AvgPool2d::forward(const Tensor& x) {
    return avg_pool2d(x, kernel_, stride_, padding_, count_include_pad_);
}

std::string MaxPool2d::describe() const {
    return "MaxPool2d(kernel_size=" + size_repr(kernel_) + ", stride=" + size_repr(stride_) +
           ", padding=" + size_repr(padding_) + ", dilation=" + size_repr(dilation_) + ")";
}

std::string AvgPool2d::describe() const {
    return "AvgPool2d(kernel_size=" + size_repr(kernel_) + ", stride=" + size_repr(stride_) +
           ", padding=" + size_repr(padding_) +
           (count_include_pad_ ? "" : ", count_include_pad=false") + ")";
}

}  // namespace potatolemon::nn
