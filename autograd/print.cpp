// Printing in the style of PyTorch's repr:
//   tensor([[1.0000, 2.5000],
//           [3.0000, 4.0000]], dtype=float64, grad_fn=<mul>)
// Integral values print as "1.", others with 4 decimals, wide ranges in scientific notation; int64
// as integers, bool as True/False.
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
constexpr std::int64_t kSummarizeAbove = 1000;  // PyTorch's threshold
constexpr std::int64_t kEdgeItems = 3;

struct Format {
    enum Kind { integral, fixed, scientific, integer, boolean } kind = integral;
    int width = 1;

    std::string operator()(double v) const {
        if (kind == integer) return std::to_string(static_cast<long long>(v));
        if (kind == boolean) return v != 0 ? "True" : "False";
        char buf[64];
        if (std::isnan(v) || std::isinf(v))
            std::snprintf(buf, sizeof buf, "%s", std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
        else if (kind == integral)
            std::snprintf(buf, sizeof buf, "%.0f.", v);
        else
            std::snprintf(buf, sizeof buf, kind == fixed ? "%.4f" : "%.4e", v);
        return buf;
    }
};

// int64 and bool print as themselves (bool as Python's True/False); floats by their range.
Format choose_format(const std::vector<double>& values, Dtype dtype) {
    Format f;
    double lo = INFINITY, hi = 0;
    bool integral = true;
    for (double v : values) {
        if (!std::isfinite(v)) continue;
        integral = integral && v == std::nearbyint(v);
        if (v != 0) lo = std::min(lo, std::abs(v)), hi = std::max(hi, std::abs(v));
    }
    if (dtype == Dtype::int64)
        f.kind = Format::integer;
    else if (dtype == Dtype::boolean)
        f.kind = Format::boolean;
    else if (!integral)
        f.kind = (hi / lo > 1000 || hi >= 1e8 || lo < 1e-4) ? Format::scientific : Format::fixed;
    else if (hi >= 1e8)
        f.kind = Format::scientific;
    for (double v : values) f.width = std::max<int>(f.width, static_cast<int>(f(v).size()));
    return f;
}

struct Printer {
    const std::vector<double>& values;
    const Shape& shape;
    Format format;
    bool summarize;
    std::ostringstream out;

    std::string item(double v) {
        std::string s = format(v);
        return std::string(format.width - std::min<int>(format.width, int(s.size())), ' ') + s;
    }
    void print(int dim, std::int64_t offset, std::int64_t stride, int indent) {
        std::int64_t n = shape[dim];
        std::int64_t inner = stride / std::max<std::int64_t>(n, 1);
        out << '[';
        bool innermost = dim + 1 == shape.rank();
        // Streamed piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
        auto break_line = [&](int newlines) {
            out << ',' << std::string(newlines, '\n') << std::string(indent + 1, ' ');
        };
        for (std::int64_t i = 0; i < n; ++i) {
            if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) {
                // PyTorch's ' ...' among the innermost items, '...' on a line of its own.
                out << (innermost ? " ..." : "...");
                if (innermost)
                    out << ", ";
                else
                    break_line(1);
                i = n - kEdgeItems;
            }
            if (innermost)
                out << item(values[offset + i]);
            else
                print(dim + 1, offset + i * inner, inner, indent + 1);
            if (i + 1 < n) {
                if (innermost)
                    out << ", ";
                else
                    break_line(shape.rank() - dim - 1);
            }
        }
        out << ']';
    }
};
}  // namespace

std::string Tensor::str() const {
    if (!defined()) return "tensor(undefined)";
    std::vector<double> all = values();
    Printer p{all, shape(), choose_format(all, dtype()), numel() > kSummarizeAbove, {}};
    p.out << "tensor(";
    if (dim() == 0)
        p.out << p.item(all[0]);
    else
        p.print(0, 0, numel(), 7);
    // PyTorch names bool only when there are no values to show it.
    bool implied = dtype() == Dtype::float32 || (dtype() == Dtype::boolean && numel() > 0);
    if (!implied) p.out << ", dtype=" << dtype_name(dtype());
    if (grad_fn())
        p.out << ", grad_fn=<" << op_name(grad_fn()->op) << '>';
    else if (requires_grad())
        p.out << ", requires_grad=True";
    p.out << ')';
    return p.out.str();
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
    return os << t.str();
}
std::ostream& operator<<(std::ostream& os, const Shape& shape) {
    return os << to_string(shape);
}

}  // namespace potatolemon
