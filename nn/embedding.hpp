// Embedding: a lookup table of num_embeddings rows of embedding_dim values over autograd's
// embedding op, initialised N(0, 1) as torch.nn.Embedding; the gradient of a row is the sum of
// the gradients of every position that looked it up.
#pragma once
#include <cstdint>
#include <string>

#include "autograd/generator.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn {

class Embedding : public Module {
public:
    // weight [num_embeddings, embedding_dim] ("weight"), float32. Throws ShapeError when either
    // size is negative.
    Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim,
              Generator& gen = default_generator());
    // indices: int64 of any shape → [..., embedding_dim]; embedding's DtypeError for other
    // dtypes and IndexError for an index outside [0, num_embeddings).
    Tensor forward(const Tensor& indices) override;
    std::string describe() const override;  // "Embedding(10, 3)"
    std::shared_ptr<Module> clone() const override { return std::make_shared<Embedding>(*this); }

    const Tensor& weight() const { return parameter(0); }
    std::int64_t num_embeddings() const { return num_; }
    std::int64_t embedding_dim() const { return dim_; }

private:
    std::int64_t num_, dim_;
};

}  // namespace potatolemon::nn
