// XOR, the original potatolemon's headline experiment: a 2-3-3-1 network (tanh hidden layers,
// sigmoid output, binary cross-entropy, SGD lr 0.01, 25,000 full-batch epochs) learns XOR.
// Flags change the setup; --sweep N counts how many seeds 0..N-1 converge; --graph FILE.dot draws
// the tape of one step; --engine replays a captured step (default) or runs eagerly;
// --checkpoint/--resume stop and continue a run. See --help.
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <span>
#include <sstream>

#include "autograd/potatolemon.hpp"
#include "loss_chart.hpp"
#include "nn/nn.hpp"
#include "xor_options.hpp"

using namespace potatolemon;
using potatolemon::examples::XorOptions;

namespace {
struct Run {
    std::vector<double> losses;       // per epoch, when recorded
    std::vector<double> predictions;  // for the four inputs, after training
    double final_loss = 0;            // computed in the last epoch, before its step
    double seconds = 0;               // training wall time
};

// Made per use rather than held in globals: tensors must not outlive the engine's per-thread pools.
Tensor xor_inputs() {
    return tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}});
}
const std::vector<double> kTargets = {0, 1, 1, 0};

std::shared_ptr<nn::Module> activation(const std::string& name) {
    if (name == "sigmoid") return std::make_shared<nn::Sigmoid>();
    if (name == "relu") return std::make_shared<nn::ReLU>();
    return std::make_shared<nn::Tanh>();
}

std::unique_ptr<nn::Optimizer> optimizer(const XorOptions& o, std::vector<Tensor> params) {
    if (o.optimizer == "adam")
        return std::make_unique<nn::Adam>(params, nn::AdamOptions{.lr = o.lr});
    return std::make_unique<nn::SGD>(params, nn::SGDOptions{.lr = o.lr});
}

// The first step's graph, drawn after its backward so the parameters show their gradients;
// that backward retains the graph so the entries are not drawn as released.
void write_graph(const std::string& path, const Tensor& loss, const nn::Sequential& model,
                 const Tensor& inputs, const Tensor& targets) {
    GraphOptions options{.names = {{"inputs", inputs}, {"targets", targets}}};
    for (const nn::NamedParameter& p : model.named_parameters())
        options.names.emplace_back(p.name, p.tensor);
    std::ofstream dot(path);
    dot << to_dot({loss}, options);
    if (!dot.flush()) throw std::runtime_error("xor: cannot write graph to '" + path + "'");
}

// The flags that make a run what it is: --resume refuses a checkpoint saved under others.
std::string run_flags(const XorOptions& o) {
    std::ostringstream text;
    text.precision(17);
    text << "--epochs " << o.epochs << " --lr " << o.lr << " --hidden " << o.hidden
         << " --activation " << o.activation << " --optimizer " << o.optimizer << " --seed "
         << o.seed;
    return text.str();
}

// The losses recorded so far as exact hex floats, one a line, and back.
std::string encode_losses(const std::vector<double>& losses) {
    std::string text;
    char line[32];
    for (double loss : losses) text.append(line, std::snprintf(line, sizeof line, "%a\n", loss));
    return text;
}

std::vector<double> decode_losses(const std::string& text) {
    std::vector<double> losses;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        losses.push_back(std::strtod(line.c_str(), nullptr));
    return losses;
}

// Loads --resume into the checkpoint's parts and `run`'s recorded losses.
void resume(const XorOptions& o, nn::Checkpoint& checkpoint, Run& run) {
    checkpoint.load(o.resume_path);
    if (checkpoint.extra["flags"] != run_flags(o))
        throw std::runtime_error("--resume " + o.resume_path + ": the run was started with `" +
                                 checkpoint.extra["flags"] + "`, not `" + run_flags(o) + "`");
    run.losses = decode_losses(checkpoint.extra["losses"]);
    const bool recorded = static_cast<std::int64_t>(run.losses.size()) == checkpoint.epoch;
    if ((!o.csv_path.empty() || !o.plot_path.empty()) && !recorded)
        throw std::runtime_error("--resume " + o.resume_path +
                                 ": the run did not record its losses (--csv or --plot)");
    run.final_loss = std::strtod(checkpoint.extra["final_loss"].c_str(), nullptr);
}

void save_checkpoint(const XorOptions& o, nn::Checkpoint& checkpoint, std::int64_t epochs,
                     const Run& run) {
    char final_loss[32];
    std::snprintf(final_loss, sizeof final_loss, "%a", run.final_loss);
    checkpoint.epoch = epochs;
    checkpoint.extra = {
        {"flags", run_flags(o)}, {"losses", encode_losses(run.losses)}, {"final_loss", final_loss}};
    checkpoint.save(o.checkpoint_path);
}

// Builds the 2-H-H-1 model from `seed` and trains it; the model is left trained in `model`.
Run train(const XorOptions& o, std::uint64_t seed, nn::Sequential& model, bool record) {
    Generator gen(seed);
    const auto h = o.hidden;  // braced list: the layers draw their weights in order
    model =
        nn::Sequential{std::make_shared<nn::Linear>(2, h, gen), activation(o.activation),
                       std::make_shared<nn::Linear>(h, h, gen), activation(o.activation),
                       std::make_shared<nn::Linear>(h, 1, gen), std::make_shared<nn::Sigmoid>()};
    auto opt = optimizer(o, model.parameters());
    const Tensor inputs = xor_inputs(), targets = from_vector(kTargets, Shape{4, 1});
    const std::array<Tensor, 1> batch{inputs};
    nn::CapturedStep step(
        *opt,
        [&](std::span<const Tensor> in) { return nn::binary_cross_entropy(model(in[0]), targets); },
        o.engine == "eager" ? nn::Engine::eager : nn::Engine::replay);
    Run run;
    if (record) run.losses.reserve(static_cast<std::size_t>(o.epochs));
    nn::Checkpoint checkpoint{.model = &model, .optimizer = opt.get()};
    if (!o.resume_path.empty()) resume(o, checkpoint, run);
    auto start = std::chrono::steady_clock::now();
    for (std::int64_t epoch = checkpoint.epoch; epoch < o.epochs; ++epoch) {
        double loss = 0;
        if (epoch == 0 && !o.graph_path.empty()) {  // drawn from an eager step's tape
            opt->zero_grad();
            Tensor first = nn::binary_cross_entropy(model(inputs), targets);
            first.backward({}, {.retain_graph = true});
            write_graph(o.graph_path, first, model, inputs, targets);
            opt->step();
            loss = first.item();
        } else if (record || epoch + 1 == o.epochs) {
            loss = step(batch).item();
        } else {
            step(batch);
        }
        if (record || epoch + 1 == o.epochs) run.final_loss = loss;
        if (record) run.losses.push_back(run.final_loss);
        const bool save = (epoch + 1) % o.checkpoint_every == 0 || epoch + 1 == o.epochs;
        if (!o.checkpoint_path.empty() && save) save_checkpoint(o, checkpoint, epoch + 1, run);
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    NoGradGuard no_grad;
    run.predictions = model(inputs).values();
    return run;
}

bool converged(const Run& run) {
    for (std::size_t i = 0; i < kTargets.size(); ++i)
        if (!(std::abs(run.predictions[i] - kTargets[i]) < 0.1)) return false;
    return true;
}

int sweep(const XorOptions& o) {
    std::int64_t count = 0;
    double seconds = 0;
    for (std::int64_t seed = 0; seed < o.sweep; ++seed) {
        nn::Sequential model;
        Run run = train(o, static_cast<std::uint64_t>(seed), model, false);
        count += converged(run);
        seconds += run.seconds;
    }
    std::printf("seconds=%.3f\nconverged %lld/%lld\n", seconds, static_cast<long long>(count),
                static_cast<long long>(o.sweep));
    return 0;
}

void write_outputs(const XorOptions& o, const nn::Sequential& model, const Run& run) {
    if (!o.save_path.empty()) nn::save(model, o.save_path);
    if (!o.csv_path.empty()) {
        std::ofstream csv(o.csv_path);
        csv << "epoch,loss\n";
        for (std::size_t i = 0; i < run.losses.size(); ++i)
            csv << i + 1 << "," << run.losses[i] << "\n";
        if (!csv.flush()) throw std::runtime_error("xor: cannot write csv to '" + o.csv_path + "'");
    }
    if (!o.plot_path.empty())
        examples::write_loss_chart(o.plot_path, run.losses,
                                   "XOR 2-" + std::to_string(o.hidden) + "-" +
                                       std::to_string(o.hidden) + "-1 " + o.activation + ", " +
                                       o.optimizer + " lr " + std::to_string(o.lr));
}
}  // namespace

int main(int argc, char** argv) {
    XorOptions o;
    try {
        o = examples::parse_xor_options(argc, argv);
    } catch (const examples::UsageError& e) {
        std::fprintf(stderr, "xor: %s\n%s", e.what(), examples::xor_usage());
        return 2;
    }
    if (o.help) return std::printf("%s", examples::xor_usage()), 0;
    if (o.sweep > 0) return sweep(o);
    try {
        nn::Sequential model;
        Run run = train(o, o.seed, model, !o.csv_path.empty() || !o.plot_path.empty());
        const std::vector<double> x = xor_inputs().values();
        for (std::size_t i = 0; i < kTargets.size(); ++i)
            std::printf("x=(%g, %g) target=%g prediction=%.4f\n", x[2 * i], x[2 * i + 1],
                        kTargets[i], run.predictions[i]);
        write_outputs(o, model, run);
        std::printf("loss=%.6g seconds=%.4f\n", run.final_loss, run.seconds);
    } catch (const std::exception& e) {  // a file that cannot be written or resumed from
        std::fprintf(stderr, "xor: %s\n", e.what());
        return 1;
    }
    return 0;
}
