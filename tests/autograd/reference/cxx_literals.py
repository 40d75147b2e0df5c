"""C++ literals for the reference scripts' .inc files: numbers written exactly (float32 values as
the doubles they are), NaN and infinities as <cmath>'s NAN and INFINITY, lists wrapped to fit
100 columns. Imported by the scripts beside it."""
import math


def literal(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):  # INT64_MIN as a double literal (exact), not an overflowing integer
        return str(v) if abs(v) < 2 ** 53 else repr(float(v))
    v = float(v)
    if math.isnan(v):
        return "NAN"
    if math.isinf(v):
        return "INFINITY" if v > 0 else "-INFINITY"
    return repr(v)


def numbers(values, indent=12, width=100, show=literal):
    """C++ initializer lines for values, wrapped at width."""
    lines, line = [], " " * indent
    for item in (show(v) + "," for v in values):
        if len(line) + len(item) + 1 > width:
            lines.append(line.rstrip())
            line = " " * indent
        line += item + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def block(values, show=literal):
    """A braced initializer for values, its lines indented under a case of the .inc."""
    return "{\n" + numbers(values, show=show) + "\n        }"
