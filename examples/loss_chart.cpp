#include "loss_chart.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace potatolemon::examples {

namespace {
// Canvas and plot area, in SVG user units.
constexpr double kWidth = 720, kHeight = 420;
constexpr double kLeft = 80, kRight = 690, kTop = 50, kBottom = 360;
constexpr int kMaxPoints = 1000;  // a longer curve is thinned to this many vertices

struct Scale {
    double x_max, log_min, log_max;
    double x(double epoch) const { return kLeft + (kRight - kLeft) * epoch / x_max; }
    double y(double loss) const {
        return kBottom - (kBottom - kTop) * (std::log10(loss) - log_min) / (log_max - log_min);
    }
};

Scale scale_for(const std::vector<double>& losses, double floor) {
    double lo = floor, hi = floor;
    for (double v : losses) hi = std::max(hi, v);
    double log_min = std::floor(std::log10(lo)), log_max = std::ceil(std::log10(hi));
    if (log_max <= log_min) log_max = log_min + 1;
    return {static_cast<double>(std::max<std::size_t>(losses.size(), 1)), log_min, log_max};
}

void axes(std::ostream& svg, const Scale& s, const std::string& title, const std::string& x_label) {
    svg << "<text x='" << kWidth / 2 << "' y='28' text-anchor='middle' font-size='16'>" << title
        << "</text>\n"
        << "<line x1='" << kLeft << "' y1='" << kBottom << "' x2='" << kRight << "' y2='" << kBottom
        << "' stroke='black'/>\n"
        << "<line x1='" << kLeft << "' y1='" << kTop << "' x2='" << kLeft << "' y2='" << kBottom
        << "' stroke='black'/>\n";
    for (int k = 0; k <= 4; ++k) {  // epoch ticks
        double epoch = s.x_max * k / 4;
        svg << "<line x1='" << s.x(epoch) << "' y1='" << kBottom << "' x2='" << s.x(epoch)
            << "' y2='" << kBottom + 5 << "' stroke='black'/>\n<text x='" << s.x(epoch) << "' y='"
            << kBottom + 20 << "' text-anchor='middle' font-size='12'>" << std::llround(epoch)
            << "</text>\n";
    }
    for (double e = s.log_min; e <= s.log_max; ++e) {  // one loss tick per decade
        double y = kBottom - (kBottom - kTop) * (e - s.log_min) / (s.log_max - s.log_min);
        svg << "<line x1='" << kLeft - 5 << "' y1='" << y << "' x2='" << kRight << "' y2='" << y
            << "' stroke='#ddd'/>\n<text x='" << kLeft - 8 << "' y='" << y + 4
            << "' text-anchor='end' font-size='12'>1e" << e << "</text>\n";
    }
    svg << "<text x='" << (kLeft + kRight) / 2 << "' y='" << kBottom + 45
        << "' text-anchor='middle' font-size='14'>" << x_label << "</text>\n"
        << "<text x='20' y='" << (kTop + kBottom) / 2 << "' text-anchor='middle' font-size='14' "
        << "transform='rotate(-90 20 " << (kTop + kBottom) / 2 << ")'>loss (log scale)</text>\n";
}
}  // namespace

std::string loss_chart_svg(const std::vector<double>& losses, const std::string& title,
                           const std::string& x_label) {
    double floor = 1.0;
    for (double v : losses)
        if (v > 0) floor = std::min(floor, v);
    Scale s = scale_for(losses, floor);
    std::ostringstream svg;
    svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kWidth << "' height='" << kHeight
        << "' font-family='sans-serif'>\n<rect width='100%' height='100%' fill='white'/>\n";
    axes(svg, s, title, x_label);
    svg << "<polyline fill='none' stroke='#1f77b4' stroke-width='1.5' points='";
    auto point = [&](std::size_t i) {
        svg << s.x(static_cast<double>(i + 1)) << "," << s.y(std::max(losses[i], floor)) << " ";
    };
    std::size_t stride = std::max<std::size_t>(1, losses.size() / kMaxPoints);
    for (std::size_t i = 0; i < losses.size(); i += stride) point(i);
    if (!losses.empty() && (losses.size() - 1) % stride != 0) point(losses.size() - 1);
    svg << "'/>\n</svg>\n";
    return svg.str();
}

void write_svg(const std::string& path, const std::string& svg) {
    std::ofstream file(path);
    file << svg;
    if (!file.flush()) throw std::runtime_error("cannot write plot to '" + path + "'");
}

void write_loss_chart(const std::string& path, const std::vector<double>& losses,
                      const std::string& title) {
    write_svg(path, loss_chart_svg(losses, title, "epoch"));
}

}  // namespace potatolemon::examples
