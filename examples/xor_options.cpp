#include "xor_options.hpp"

#include "flags.hpp"

namespace potatolemon::examples {

const char* xor_usage() {
    return "usage: xor [--epochs N] [--lr X] [--hidden N] [--activation tanh|sigmoid|relu]\n"
           "           [--optimizer sgd|adam] [--engine replay|eager] [--seed N] [--save FILE]\n"
           "           [--csv FILE] [--plot FILE] [--graph FILE.dot] [--sweep N]\n"
           "           [--checkpoint FILE] [--checkpoint-every N] [--resume FILE] [--help]\n"
           "Trains a 2-N-N-1 network (hidden activation, sigmoid output, binary cross-entropy,\n"
           "full batch) on XOR. Defaults reproduce the original potatolemon run: 2-3-3-1 tanh,\n"
           "SGD lr 0.01, 25000 epochs, seed 0. --sweep N trains seeds 0..N-1 and counts the runs\n"
           "whose four predictions all end within 0.1 of their targets. --graph writes the first\n"
           "training step's graph as Graphviz DOT (render: dot -Tsvg FILE.dot -o graph.svg).\n"
           "--engine replay (default) captures one training step and replays it; eager runs\n"
           "every op through the tape. Both give the same numbers, bit for bit.\n"
           "--checkpoint FILE saves the run (model, optimizer, epoch) every --checkpoint-every\n"
           "epochs (default 1000) and at its end; --resume FILE continues it to --epochs (the\n"
           "total) with the same results as the uninterrupted run; give it the same flags.\n";
}

XorOptions parse_xor_options(int argc, char** argv) {
    XorOptions o;
    const FlagTable flags = {
        {"--epochs", [&](auto& f, auto& v) { o.epochs = parse_positive<std::int64_t>(f, v); }},
        {"--lr",
         [&](auto& f, auto& v) {
             o.lr = parse_number<double>(f, v);
             if (!(o.lr > 0)) throw UsageError(f + ": must be positive, got " + v);
         }},
        {"--hidden", [&](auto& f, auto& v) { o.hidden = parse_positive<std::int64_t>(f, v); }},
        {"--activation",
         [&](auto& f, auto& v) {
             o.activation = parse_choice(f, v, {"tanh", "sigmoid", "relu"});
         }},
        {"--optimizer",
         [&](auto& f, auto& v) {
             o.optimizer = parse_choice(f, v, {"sgd", "adam"});
         }},
        {"--engine",
         [&](auto& f, auto& v) {
             o.engine = parse_choice(f, v, {"replay", "eager"});
         }},
        {"--seed", [&](auto& f, auto& v) { o.seed = parse_number<std::uint64_t>(f, v); }},
        {"--save", [&](auto&, auto& v) { o.save_path = v; }},
        {"--csv", [&](auto&, auto& v) { o.csv_path = v; }},
        {"--plot", [&](auto&, auto& v) { o.plot_path = v; }},
        {"--graph", [&](auto&, auto& v) { o.graph_path = v; }},
        {"--sweep", [&](auto& f, auto& v) { o.sweep = parse_positive<std::int64_t>(f, v); }},
        {"--checkpoint", [&](auto&, auto& v) { o.checkpoint_path = v; }},
        {"--checkpoint-every",
         [&](auto& f, auto& v) { o.checkpoint_every = parse_positive<std::int64_t>(f, v); }},
        {"--resume", [&](auto&, auto& v) { o.resume_path = v; }},
    };
    o.help = apply_flags(argc, argv, flags);
    if (o.sweep > 0 && !o.graph_path.empty())
        throw UsageError("--graph: draws one run's step; not with --sweep");
    if (o.sweep > 0 && !(o.checkpoint_path.empty() && o.resume_path.empty()))
        throw UsageError("--checkpoint, --resume: one run's state; not with --sweep");
    return o;
}

}  // namespace potatolemon::examples
