#include "nn/sequential.hpp"

#include <algorithm>
#include <cstring>
#include <iomanip>
#include <sstream>
#include <typeinfo>

#include "autograd/factories.hpp"
#include "autograd/tape.hpp"
#include "nn/activation.hpp"
#include "nn/pooling.hpp"

namespace potatolemon::nn {

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> modules) {
    for (const auto& module : modules) push_back(module);
}

Sequential::Sequential(const Sequential& other) : Module(other) {
    for (std::size_t i = 0; i < child_count(); ++i) layers_.push_back(&child(i));
}

void Sequential::push_back(std::shared_ptr<Module> module) {
    if (!module)
        throw std::invalid_argument("Sequential::push_back: module " +
                                    std::to_string(layers_.size()) + " is null");
    Module* raw = module.get();
    register_module(std::to_string(layers_.size()), std::move(module));
    layers_.push_back(raw);
}

// A ReLU followed by a MaxPool2d (exactly those classes, not subclasses that may override
// forward) is one fused op over disjoint 2×2 windows: the same bits, without relu's output.
Tensor Sequential::forward(const Tensor& x) {
    Tensor h = x;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        Module& layer = *layers_[i];
        Module* next = i + 1 < layers_.size() ? layers_[i + 1] : nullptr;
        if (next != nullptr && typeid(layer) == typeid(ReLU) &&
            typeid(*next) == typeid(MaxPool2d)) {
            h = static_cast<MaxPool2d&>(*next).forward_after_relu(h);
            ++i;
            continue;
        }
        h = layer.forward(h);
    }
    return h;
}

Module& Sequential::operator[](std::size_t index) const {
    if (index >= layers_.size())
        throw IndexError("Sequential: index " + std::to_string(index) + " out of range for " +
                         std::to_string(layers_.size()) + " layers");
    return *layers_[index];
}

std::string Sequential::describe() const {
    std::string out = "Sequential(";
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        std::string inner = layers_[i]->describe();
        for (std::size_t at = inner.find('\n'); at != std::string::npos;
             at = inner.find('\n', at + 1))
            inner.insert(at + 1, "  ");  // nested containers indent with their parent
        out += "\n  (" + std::to_string(i) + "): " + inner;
    }
    return out + (layers_.empty() ? ")" : "\n)");
}

namespace {
// Copies of every buffer, written back on destruction: the probe forward of summary() must leave
// batch norm's running statistics and counter as they were, even when a layer throws.
class BufferRestore {
public:
    explicit BufferRestore(const Module& module) : live_(module.buffers()) {
        for (const Tensor& b : live_) saved_.push_back(b.clone());
    }
    ~BufferRestore() {
        for (std::size_t i = 0; i < live_.size(); ++i)
            std::memcpy(live_[i].impl()->data, saved_[i].impl()->data,
                        static_cast<std::size_t>(live_[i].numel()) * dtype_size(live_[i].dtype()));
    }
    BufferRestore(const BufferRestore&) = delete;
    BufferRestore& operator=(const BufferRestore&) = delete;

private:
    std::vector<Tensor> live_, saved_;
};
}  // namespace

std::string Sequential::summary(const Shape& input_shape) const {
    std::vector<Tensor> params = parameters();
    Dtype dtype = params.empty() ? Dtype::float32 : params.front().dtype();
    std::vector<std::string> names{"layer"}, shapes{"output shape"}, counts{"parameters"};
    {
        NoGradGuard no_grad;
        BufferRestore restore(*this);
        Tensor h = zeros(input_shape, dtype);
        for (Module* layer : layers_) {
            h = layer->forward(h);
            names.push_back(layer->describe().substr(0, layer->describe().find('\n')));
            shapes.push_back(to_string(h.shape()));
            counts.push_back(std::to_string(layer->parameter_count()));
        }
    }
    auto width = [](const std::vector<std::string>& column) {
        std::size_t w = 0;
        for (const std::string& s : column) w = std::max(w, s.size());
        return static_cast<int>(w);
    };
    int wi = static_cast<int>(std::to_string(layers_.size()).size());
    int wn = width(names), ws = width(shapes), wc = width(counts);
    std::ostringstream out;
    out << "Sequential summary for input " << to_string(input_shape) << " " << dtype_name(dtype)
        << "\n";
    for (std::size_t row = 0; row < names.size(); ++row)
        out << std::setw(wi) << (row == 0 ? std::string("#") : std::to_string(row - 1)) << "  "
            << std::left << std::setw(wn) << names[row] << "  " << std::setw(ws) << shapes[row]
            << std::right << "  " << std::setw(wc) << counts[row] << "\n";
    out << "total parameters: " << parameter_count() << "\n";
    return out.str();
}

}  // namespace potatolemon::nn
