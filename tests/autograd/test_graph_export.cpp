// Graph export: to_dot's text for a small graph, names that do not depend on addresses, saved
// tensors, create_graph's gradient graph, leaves before and after backward, print_graph's listing.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string listing(const Tensor& loss, const GraphOptions& options = {}) {
    std::ostringstream os;
    print_graph(loss, os, options);
    return os.str();
}

// One step of a 2-3-1 tanh model on fixed data, as a training loop would record it.
Tensor model_loss(const Tensor& w1, const Tensor& b1, const Tensor& w2) {
    Tensor x = tensor({{0, 1}, {1, 0}, {1, 1}});
    return mean(pow(matmul(tanh(linear(x, w1, b1)), w2), 2.0));
}
}  // namespace

TEST_SUITE("graph_export") {
    TEST_CASE("to_dot writes one node per entry and leaf, edges as data flows") {
        Tensor x = tensor({1, 2});
        Tensor w = tensor({3, 4}).requires_grad_();
        Tensor loss = sum(tanh(x * w));
        // Written by hand from the format documented in graph_export.hpp.
        const std::string expected =
            "digraph potatolemon {\n"
            "  node [fontname=\"Helvetica\", fontsize=10];\n"
            "  edge [fontname=\"Helvetica\", fontsize=8];\n"
            "  t0 [shape=box, style=filled, fillcolor=white, label=\"t0\\n[2] float32\"];\n"
            "  t1 [shape=box, style=filled, fillcolor=lightblue, "
            "label=\"t1 w\\n[2] float32\\nrequires_grad\"];\n"
            "  e0 [shape=ellipse, style=filled, fillcolor=lightyellow, "
            "label=\"e0 mul\\n[2] float32\"];\n"
            "  e1 [shape=ellipse, style=filled, fillcolor=lightyellow, "
            "label=\"e1 tanh\\n[2] float32\"];\n"
            "  e2 [shape=ellipse, style=filled, fillcolor=lightyellow, peripheries=2, "
            "label=\"e2 sum\\n[] float32\"];\n"
            "  t0 -> e0 [label=\"0\"];\n"
            "  t1 -> e0 [label=\"1\"];\n"
            "  e0 -> e1;\n"
            "  e1 -> e2;\n"
            "}\n";
        CHECK(to_dot({loss}, {.names = {{"w", w}}}) == expected);
    }

    TEST_CASE("two dumps of the same step are identical wherever the tensors live") {
        Tensor w1 = full({3, 2}, 0.5).requires_grad_(), b1 = zeros({3}).requires_grad_();
        Tensor w2 = full({3, 1}, -0.25).requires_grad_();
        Tensor first = model_loss(w1, b1, w2);
        Tensor padding = zeros({1000});  // the second graph's tensors land elsewhere
        Tensor second = model_loss(w1, b1, w2);
        GraphOptions options{.names = {{"w1", w1}, {"b1", b1}, {"w2", w2}}, .show_saved = true};
        CHECK(to_dot({first}, options) == to_dot({second}, options));
        CHECK(listing(first, options) == listing(second, options));
        first.backward();
        second.backward();
        CHECK(to_dot({first}, options) == to_dot({second}, options));
    }

    TEST_CASE("entries are numbered in recording order, not in the order a walk meets them") {
        Tensor x = tensor({1, 2}).requires_grad_();
        Tensor a = exp(x);
        Tensor b = log(x);
        Tensor loss = sum(b + a);  // a walk from add meets log's branch second
        CHECK(listing(loss) ==
              "t0 = leaf [2] float32, requires_grad\n"
              "e0 = exp(t0) -> [2] float32\n"
              "e1 = log(t0) -> [2] float32\n"
              "e2 = add(e1, e0) -> [2] float32\n"
              "e3 = sum(e2) -> [] float32\n");
    }

    TEST_CASE("saved tensors are drawn only on request, and only while the backward holds them") {
        Tensor x = tensor({1, 2}).requires_grad_();
        Tensor w = tensor({3, 4}).requires_grad_();
        Tensor loss = sum(exp(x * w));
        const std::string saved_edge = "[style=dashed, color=darkorange, label=\"saved\"]";
        CHECK(!contains(to_dot({loss}), saved_edge));
        std::string dot = to_dot({loss}, {.show_saved = true});
        CHECK(contains(dot, "  t0 -> e0 " + saved_edge));  // mul keeps both factors
        CHECK(contains(dot, "  t1 -> e0 " + saved_edge));
        CHECK(!contains(dot, "-> e1 " + saved_edge));  // exp's backward reads its output only
        CHECK(contains(listing(loss, {.show_saved = true}),
                       "e0 = mul(t0, t1) -> [2] float32, "
                       "saves t0 t1\n"));
        loss.backward();  // frees what the backward held
        dot = to_dot({loss}, {.show_saved = true});
        CHECK(!contains(dot, saved_edge));
        CHECK(contains(dot, "label=\"e0 mul\\n[2] float32\\nreleased\"]"));
    }

    TEST_CASE("leaves show requires_grad, and their gradient's shape once they have one") {
        Tensor x = tensor({{1, 2, 3}});
        Tensor w = tensor({1, 2, 3}).requires_grad_();
        Tensor loss = sum(x * w);
        CHECK(contains(to_dot({loss}), "label=\"t0\\n[1, 3] float32\"]"));
        CHECK(contains(to_dot({loss}), "label=\"t1\\n[3] float32\\nrequires_grad\"]"));
        loss.backward({}, {.retain_graph = true});
        CHECK(contains(to_dot({loss}), "label=\"t0\\n[1, 3] float32\"]"));
        CHECK(contains(to_dot({loss}), "label=\"t1\\n[3] float32\\nrequires_grad\\ngrad [3]\"]"));
        CHECK(listing(loss) ==
              "t0 = leaf [1, 3] float32\n"
              "t1 = leaf [3] float32, requires_grad, grad [3]\n"
              "e0 = mul(t0, t1) -> [1, 3] float32\n"
              "e1 = sum(e0) -> [] float32\n");
    }

    TEST_CASE("create_graph's gradient graph is followed from the leaf it was stored in") {
        Tensor x = tensor({0.5, -1}, Dtype::float64).requires_grad_();
        Tensor loss = sum(tanh(x));
        loss.backward({}, {.create_graph = true});
        // tanh's backward recorded tanh_backward(seed, tanh's output), stored as x.grad.
        CHECK(listing(loss) ==
              "t0 = leaf [2] float64, requires_grad, grad [2] from e2\n"
              "e0 = tanh(t0) -> [2] float64\n"
              "e1 = sum(e0) -> [] float64\n"
              "t1 = leaf [2] float64\n"
              "e2 = tanh_backward(t1, e0) -> [2] float64, recorded by backward\n");
        std::string dot = to_dot({loss});
        CHECK(contains(dot, "  e2 -> t0 [style=dashed, label=\"grad\", constraint=false];\n"));
        CHECK(contains(dot,
                       "fillcolor=lightpink, label=\"e2 tanh_backward\\n[2] float64\\n"
                       "recorded by backward\"]"));
        CHECK(contains(dot, "  e0 -> e2 [label=\"1\"];\n"));  // it reads the forward's output
        std::string forward_only = to_dot({loss}, {.show_gradient_graphs = false});
        CHECK(!contains(forward_only, "tanh_backward"));
        CHECK(!contains(forward_only, "label=\"grad\""));
        x.zero_grad();  // x.grad's graph holds x: a cycle, as PyTorch warns for this backward
    }

    TEST_CASE("a gradient from grad(create_graph) is drawn as an output with its graph") {
        Tensor x = tensor({2}, Dtype::float64).requires_grad_();
        Tensor y = sum(x * x * x);
        Tensor g = grad({y}, {x}, {}, {.create_graph = true})[0];  // 3x^2
        std::string dot = to_dot({y, g});
        CHECK(contains(dot, "label=\"e1 mul\\n[1] float64\"]"));  // x * x * x is two muls
        CHECK(contains(dot, "peripheries=2, label=\"e2 sum\\n[] float64\"]"));
        CHECK(contains(dot, "recorded by backward"));
        CHECK(contains(dot, "fillcolor=lightpink, peripheries=2"));  // g: a backward's entry
    }

    TEST_CASE("a leaf asked for directly is its own one-node graph") {
        Tensor x = zeros({2, 0});
        CHECK(to_dot({x}) ==
              "digraph potatolemon {\n"
              "  node [fontname=\"Helvetica\", fontsize=10];\n"
              "  edge [fontname=\"Helvetica\", fontsize=8];\n"
              "  t0 [shape=box, style=filled, fillcolor=white, peripheries=2, "
              "label=\"t0\\n[2, 0] float32\"];\n"
              "}\n");
        CHECK(listing(x) == "t0 = leaf [2, 0] float32\n");
    }

    TEST_CASE("names with quotes are escaped in DOT") {
        Tensor w = tensor({1}).requires_grad_();
        std::string dot = to_dot({sum(w)}, {.names = {{"say \"hi\"", w}}});
        CHECK(contains(dot, "label=\"t0 say \\\"hi\\\"\\n[1] float32\\nrequires_grad\"]"));
    }

    TEST_CASE("exporting reads the graph only: nothing recorded, freed or changed") {
        Tensor x = tensor({1, 2}).requires_grad_();
        Tensor loss = sum(exp(x * x));
        std::int64_t live = tape_live_entries();
        to_dot({loss}, {.show_saved = true});
        listing(loss, {.show_saved = true});
        CHECK(tape_live_entries() == live);
        loss.backward();
        CHECK(x.grad().values()[0] == doctest::Approx(2 * std::exp(1.0)));
    }

    TEST_CASE("an undefined tensor is a GraphError naming the function") {
        CHECK_THROWS_WITH_AS(to_dot({Tensor()}), doctest::Contains("to_dot"), GraphError);
        CHECK_THROWS_WITH_AS(listing(Tensor()), doctest::Contains("print_graph"), GraphError);
    }
}
