#include "fashion_mnist_models.hpp"

#include <memory>
#include <stdexcept>

#include "nn/nn.hpp"

namespace potatolemon::examples {

// Braced lists below: their elements are evaluated left to right, so the layers draw their
// weights in order.

Network make_mlp(Generator& gen) {
    return {
        nn::Sequential{std::make_shared<nn::Linear>(784, 256, gen), std::make_shared<nn::ReLU>(),
                       std::make_shared<nn::Linear>(256, 128, gen), std::make_shared<nn::ReLU>(),
                       std::make_shared<nn::Linear>(128, 10, gen)},
        Shape{784}};
}

Network make_cnn(Generator& gen) {
    const nn::Conv2dOptions same_size{.padding = 1};
    return {nn::Sequential{std::make_shared<nn::Conv2d>(1, 16, 3, same_size, gen),
                           std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2),
                           std::make_shared<nn::Conv2d>(16, 32, 3, same_size, gen),
                           std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(2),
                           std::make_shared<nn::Flatten>(),
                           std::make_shared<nn::Linear>(32 * 7 * 7, 128, gen),
                           std::make_shared<nn::ReLU>(), std::make_shared<nn::Dropout>(0.25, gen),
                           std::make_shared<nn::Linear>(128, 10, gen)},
            Shape{1, 28, 28}};
}

Network make_network(const std::string& name, Generator& gen) {
    if (name == "mlp") return make_mlp(gen);
    if (name == "cnn") return make_cnn(gen);
    throw std::invalid_argument("make_network: no model named '" + name + "'");
}

}  // namespace potatolemon::examples
