// Seeing the tape: the graph behind some tensors as Graphviz DOT (`to_dot`) and as a text listing
// in execution order (`print_graph`). Both only read the graph; neither records nor frees anything.
// Names are e0, e1, ... for tape entries in the order they were recorded and t0, t1, ... for leaves
// in the order entries first use them, so two dumps of the same model's step diff cleanly.
#pragma once
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon {

struct GraphOptions {
    // Labels for tensors (parameters, usually: module.named_parameters()), shown beside their ids.
    std::vector<std::pair<std::string, Tensor>> names = {};
    // Also draw, as dashed orange edges, the tensors each backward holds on to (the graph's own
    // tensors only: one a backward made for itself, such as a dropout mask, has no node to point
    // from). The output, which every backward may read, is not counted.
    bool show_saved = false;
    // Follow a leaf's gradient into the graph that create_graph recorded for it, and draw that
    // gradient's edge into the leaf (tape entries a backward pass recorded are shaded apart).
    bool show_gradient_graphs = true;
};

// The graph behind `outputs` as a DOT digraph: one node per tape entry (id, op, output shape and
// dtype; "released" once a backward freed its saved tensors), one per leaf (shape, dtype,
// requires_grad, and the gradient's shape once it has one), edges from each input to its consumer
// (numbered by input position for entries of several inputs). Outputs get a double border.
// Throws GraphError for an undefined output.
std::string to_dot(const std::vector<Tensor>& outputs, const GraphOptions& options = {});

// One line per leaf and tape entry, in execution order, with shapes:
//   t0 = leaf [4, 2] float32
//   e0 = linear(t0, t1, t2) -> [4, 3] float32
// Throws GraphError for an undefined tensor.
void print_graph(const Tensor& loss, std::ostream& os, const GraphOptions& options = {});
void print_graph(const Tensor& loss);  // to std::cout

}  // namespace potatolemon
