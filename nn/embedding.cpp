#include "nn/embedding.hpp"

#include "autograd/factories.hpp"
#include "autograd/ops_index.hpp"
#include "nn/init.hpp"

namespace potatolemon::nn {

Embedding::Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim, Generator& gen)
    : num_(num_embeddings), dim_(embedding_dim) {
    if (num_ < 0 || dim_ < 0)
        throw ShapeError("Embedding: num_embeddings " + std::to_string(num_) +
                         " and embedding_dim " + std::to_string(dim_) + " must be >= 0");
    Tensor weight = zeros(Shape{num_, dim_});
    register_parameter("weight", init::normal_(weight, 0, 1, gen));
}

Tensor Embedding::forward(const Tensor& indices) {
    return embedding(weight(), indices);
}

std::string Embedding::describe() const {
    return "Embedding(" + std::to_string(num_) + ", " + std::to_string(dim_) + ")";
}

}  // namespace potatolemon::nn
