#include "solution_chart.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "loss_chart.hpp"

namespace potatolemon::examples {

namespace {
// One panel and its plot area, in SVG user units (the loss chart's layout).
constexpr double kWidth = 720, kHeight = 420;
constexpr double kLeft = 80, kRight = 690, kTop = 50, kBottom = 360;

struct Scale {
    double x_min, x_max, y_min, y_max;
    double x(double v) const { return kLeft + (kRight - kLeft) * (v - x_min) / (x_max - x_min); }
    double y(double v) const { return kBottom - (kBottom - kTop) * (v - y_min) / (y_max - y_min); }
};

Scale scale_for(const Solution& s) {
    auto [u_lo, u_hi] = std::minmax_element(s.u.begin(), s.u.end());
    auto [e_lo, e_hi] = std::minmax_element(s.exact.begin(), s.exact.end());
    double lo = std::min(*u_lo, *e_lo), hi = std::max(*u_hi, *e_hi);
    double pad = hi > lo ? 0.05 * (hi - lo) : 1.0;
    double x_max = s.x.back() > s.x.front() ? s.x.back() : s.x.front() + 1;
    return {s.x.front(), x_max, lo - pad, hi + pad};
}

void axes(std::ostream& svg, const Scale& s, const std::string& title) {
    svg << "<text x='" << kWidth / 2 << "' y='28' text-anchor='middle' font-size='16'>" << title
        << "</text>\n<rect x='" << kLeft << "' y='" << kTop << "' width='" << kRight - kLeft
        << "' height='" << kBottom - kTop << "' fill='none' stroke='black'/>\n";
    for (int k = 0; k <= 4; ++k) {
        double x = s.x_min + (s.x_max - s.x_min) * k / 4, y = s.y_min + (s.y_max - s.y_min) * k / 4;
        svg << "<text x='" << s.x(x) << "' y='" << kBottom + 20
            << "' text-anchor='middle' font-size='12'>" << x << "</text>\n<line x1='" << kLeft
            << "' y1='" << s.y(y) << "' x2='" << kRight << "' y2='" << s.y(y)
            << "' stroke='#ddd'/>\n<text x='" << kLeft - 8 << "' y='" << s.y(y) + 4
            << "' text-anchor='end' font-size='12'>" << std::round(y * 100) / 100 << "</text>\n";
    }
    svg << "<text x='" << (kLeft + kRight) / 2 << "' y='" << kBottom + 45
        << "' text-anchor='middle' font-size='14'>x</text>\n";
}

void curve(std::ostream& svg, const Scale& s, const std::vector<double>& x,
           const std::vector<double>& y, const std::string& style) {
    svg << "<polyline fill='none' " << style << " points='";
    for (std::size_t i = 0; i < x.size(); ++i) svg << s.x(x[i]) << "," << s.y(y[i]) << " ";
    svg << "'/>\n";
}

void legend(std::ostream& svg, double y, const std::string& style, const std::string& label) {
    svg << "<line x1='" << kLeft + 20 << "' y1='" << y << "' x2='" << kLeft + 50 << "' y2='" << y
        << "' " << style << "/>\n<text x='" << kLeft + 58 << "' y='" << y + 4 << "' font-size='12'>"
        << label << "</text>\n";
}
}  // namespace

void write_solution_chart(const std::string& path, const Solution& solution,
                          const std::vector<double>& losses, const std::string& title) {
    if (solution.x.empty() || solution.u.size() != solution.x.size() ||
        solution.exact.size() != solution.x.size())
        throw std::invalid_argument(
            "write_solution_chart: x, u and exact must be non-empty and of "
            "one size");
    const std::string exact_style = "stroke='#999' stroke-width='5'";
    const std::string learned_style = "stroke='#d62728' stroke-width='1.5'";
    Scale s = scale_for(solution);
    std::ostringstream svg;
    svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << 2 * kWidth << "' height='"
        << kHeight << "' font-family='sans-serif'>\n<rect width='100%' height='100%' "
        << "fill='white'/>\n<svg width='" << kWidth << "' height='" << kHeight << "'>\n";
    axes(svg, s, title);
    curve(svg, s, solution.x, solution.exact, exact_style);
    curve(svg, s, solution.x, solution.u, learned_style);
    legend(svg, kTop + 20, exact_style, "exact");
    legend(svg, kTop + 40, learned_style, "network");
    svg << "</svg>\n<g transform='translate(" << kWidth << ",0)'>\n"
        << loss_chart_svg(losses, "training loss", "step") << "</g>\n</svg>\n";
    write_svg(path, svg.str());
}

}  // namespace potatolemon::examples
