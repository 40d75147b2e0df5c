// The networks fashion_mnist trains, built layer by layer in PyTorch's order so that one seed
// gives the weights torch's default initialisation would draw in that order: the MLP of issue 4
// and the CNN of issue 8. Training, data and flags live in fashion_mnist.cpp.
#pragma once
#include <string>

#include "autograd/generator.hpp"
#include "autograd/shape.hpp"
#include "nn/sequential.hpp"

namespace potatolemon::examples {

// A model and the shape of one image as it reads it: a batch is [B, image_shape...].
struct Network {
    nn::Sequential model;
    Shape image_shape;
};

// 784-256-128-10 with ReLU; reads flat images [784].
Network make_mlp(Generator& gen);
// conv 1→16 and 16→32 (3×3, padding 1, ReLU, 2×2 max-pool each), flatten, 1568-128, ReLU,
// dropout 0.25, 128-10; reads images [1, 28, 28]. Dropout keeps drawing its masks from `gen`,
// which must outlive the model.
Network make_cnn(Generator& gen);

// make_mlp or make_cnn by name ("mlp" or "cnn"); throws std::invalid_argument for another name.
Network make_network(const std::string& name, Generator& gen);

}  // namespace potatolemon::examples
