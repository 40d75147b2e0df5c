#include "nn/pooling.hpp"

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
