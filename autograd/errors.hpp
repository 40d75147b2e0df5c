// The exception types potatolemon throws. Every message starts with the op or function that failed,
// then the shapes, indices or byte offset involved, e.g.
//   matmul: cannot multiply [2, 3] by [4, 5] (inner dims 3 != 4)
#pragma once
#include <new>
#include <stdexcept>
#include <string>

namespace potatolemon {

// Shapes that do not fit the op: broadcasting, matmul inner dims, reshape sizes, bad dim arguments.
struct ShapeError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};
// Mixed float32/float64 inputs, or an op that needs a particular dtype.
struct DtypeError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};
// An element index, dim index or index tensor entry out of range.
struct IndexError : std::out_of_range {
    using std::out_of_range::out_of_range;
};
// Misuse of the autograd graph: backward on a non-scalar without a gradient, a released graph, ...
struct GraphError : std::logic_error {
    using std::logic_error::logic_error;
};
// Anomaly mode found NaN or Inf in an op's forward result or backward gradient.
struct AnomalyError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// Malformed file contents (IDX, gzip, safetensors, JSON); the message names the byte offset.
struct FormatError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A tensor's memory could not be allocated; the message names the shape, dtype and byte count. A
// std::bad_alloc, so handlers of that catch it too.
class OutOfMemoryError : public std::bad_alloc {
public:
    explicit OutOfMemoryError(const std::string& message) : message_(message) {}
    const char* what() const noexcept override { return message_.what(); }

private:
    std::runtime_error message_;  // a string that copies without throwing, as exceptions must
};

}  // namespace potatolemon
