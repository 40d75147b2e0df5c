// The xor example's command line: every flag, its default (the original potatolemon run) and the
// one parser that reads them.
#pragma once
#include <cstdint>
#include <string>

#include "flags.hpp"

namespace potatolemon::examples {

struct XorOptions {
    std::int64_t epochs = 25'000;
    double lr = 0.01;
    std::int64_t hidden = 3;          // width of both hidden layers
    std::string activation = "tanh";  // of the hidden layers: tanh | sigmoid | relu
    std::string optimizer = "sgd";    // sgd | adam
    std::string engine = "replay";    // replay (a captured step, nn/capture.hpp) | eager
    std::uint64_t seed = 0;           // initial weights
    std::string save_path;            // --save: the trained parameters as safetensors
    std::string csv_path;             // --csv: epoch,loss per line
    std::string plot_path;            // --plot: the loss curve as SVG
    std::string graph_path;           // --graph: the first training step's graph as DOT
    std::int64_t sweep = 0;           // --sweep N: train seeds 0..N-1, count the converged
    std::string checkpoint_path;      // --checkpoint: the run's state every checkpoint_every epochs
    std::int64_t checkpoint_every = 1000;
    std::string resume_path;  // --resume: continue the run saved in this checkpoint
    bool help = false;
};

XorOptions parse_xor_options(int argc, char** argv);  // throws UsageError
const char* xor_usage();

}  // namespace potatolemon::examples
