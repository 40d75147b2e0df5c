// Sequential: modules applied one after another, named "0", "1", ... so their parameters read
// "0.weight", "2.bias". Indexed access, a PyTorch-style description and a summary table
// (layer, output shape, parameter count) made by running one input through.
#pragma once
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "autograd/shape.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn {

class Sequential : public Module {
public:
    Sequential() = default;
    // The list is evaluated left to right (braced initialisation guarantees it), so layers that
    // draw random weights draw them in order: Sequential{std::make_shared<Linear>(2, 3), ...}.
    Sequential(std::initializer_list<std::shared_ptr<Module>> modules);
    // A deep copy (Module::clone), its layer list pointing at the copied children.
    Sequential(const Sequential& other);
    Sequential(Sequential&&) = default;
    Sequential& operator=(Sequential&&) = default;

    void push_back(std::shared_ptr<Module> module);  // throws std::invalid_argument on null
    // Constructs an M in place at the end and returns it: net.emplace_back<Linear>(2, 3, gen).
    template <class M, class... Args>
    M& emplace_back(Args&&... args) {
        auto module = std::make_shared<M>(std::forward<Args>(args)...);
        M& ref = *module;
        push_back(std::move(module));
        return ref;
    }

    Tensor forward(const Tensor& x) override;
    std::string describe() const override;  // "Sequential(\n  (0): Linear(...)\n ...)"
    std::shared_ptr<Module> clone() const override { return std::make_shared<Sequential>(*this); }

    std::size_t size() const { return layers_.size(); }
    Module& operator[](std::size_t index) const;  // throws IndexError
    // The layer at `index` as an M; throws IndexError, or std::invalid_argument naming both types.
    template <class M>
    M& at(std::size_t index) const {
        Module& layer = (*this)[index];
        if (auto* typed = dynamic_cast<M*>(&layer)) return *typed;
        throw std::invalid_argument("Sequential::at: layer " + std::to_string(index) + " is " +
                                    layer.describe() + ", not the requested type");
    }

    // A table of each layer's output shape and parameter count for an input of `input_shape`
    // (zeros of the parameters' dtype, run without recording; buffers such as batch norm's
    // running statistics are restored afterwards), then the total.
    std::string summary(const Shape& input_shape) const;

private:
    std::vector<Module*> layers_;  // the children, in order, without the shared_ptr indirection
};

}  // namespace potatolemon::nn
