// A loss curve as a standalone SVG line chart (axes, ticks, labels), written with the standard
// library only. The loss axis is logarithmic: training losses span several decades.
#pragma once
#include <string>
#include <vector>

namespace potatolemon::examples {

// The chart as one <svg> element of 720 x 420 units, the x axis labelled `x_label`.
// losses[i] is the loss at step i + 1; non-positive values are drawn at the smallest positive one.
std::string loss_chart_svg(const std::vector<double>& losses, const std::string& title,
                           const std::string& x_label);

// Writes `svg` to `path`; throws std::runtime_error when the file cannot be written.
void write_svg(const std::string& path, const std::string& svg);

// losses[i] is the loss at epoch i + 1; non-positive values are drawn at the smallest positive
// one. Throws std::runtime_error when the file cannot be written.
void write_loss_chart(const std::string& path, const std::vector<double>& losses,
                      const std::string& title);

}  // namespace potatolemon::examples
