// Graph export: collects the tape entries and leaves behind some tensors, orders and names them
// without looking at addresses, then writes them as DOT or as a text listing.
#include "autograd/graph_export.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "autograd/tape.hpp"

namespace potatolemon {
namespace {
using detail::TensorImpl;

// The graph as the two writers see it. Ids come from recording order, never from addresses:
// entries by Node::sequence, leaves by their first use among the ordered entries.
struct GraphView {
    std::vector<const Node*> entries;
    std::vector<Tensor> leaves;
    std::unordered_map<const TensorImpl*, std::string> ids;    // leaves and entry outputs
    std::unordered_map<const TensorImpl*, std::string> names;  // from GraphOptions::names
    std::unordered_set<const TensorImpl*> outputs;
    std::unordered_map<const Node*, std::vector<std::string>> saved;  // ids, when asked for
};

// A tensor's gradient, when create_graph gave it a graph of its own.
const Node* gradient_entry(const TensorImpl* impl) {
    return impl->grad ? impl->grad->grad_fn.get() : nullptr;
}

// Adds every entry reachable from `roots` to `found`; returns the gradient graphs met on the way.
std::vector<const Node*> collect(std::vector<const Node*> roots,
                                 std::unordered_set<const Node*>& seen,
                                 std::vector<const Node*>& found) {
    std::vector<const Node*> gradient_roots;
    while (!roots.empty()) {
        const Node* node = roots.back();
        roots.pop_back();
        if (!node || !seen.insert(node).second) continue;
        found.push_back(node);
        gradient_roots.push_back(gradient_entry(node->output));
        for (const Tensor& input : node->inputs) {
            if (!input.defined()) continue;
            if (input.grad_fn())
                roots.push_back(input.grad_fn());
            else
                gradient_roots.push_back(gradient_entry(input.impl()));
        }
    }
    return gradient_roots;
}

// Appending rather than "t" + to_string(n): g++ 12 warns on the latter (-Wrestrict, its bug
// 105329).
std::string numbered(char prefix, std::size_t n) {
    std::string id(1, prefix);
    id += std::to_string(n);
    return id;
}

void name_leaf(GraphView& view, const Tensor& t) {
    if (!t.defined() || t.grad_fn() || view.ids.count(t.impl())) return;
    view.ids[t.impl()] = numbered('t', view.leaves.size());
    view.leaves.push_back(t);
}

// Leaves, then entry outputs, each in id order.
std::vector<const TensorImpl*> tensors_in_order(const GraphView& view) {
    std::vector<const TensorImpl*> tensors;
    for (const Tensor& leaf : view.leaves) tensors.push_back(leaf.impl());
    for (const Node* entry : view.entries) tensors.push_back(entry->output);
    return tensors;
}

// Which graph tensors each backward holds: a copy of its closure raises exactly their counts.
void find_saved(GraphView& view) {
    std::vector<std::pair<const TensorImpl*, std::int64_t>> counts;
    for (const TensorImpl* impl : tensors_in_order(view))
        counts.emplace_back(impl, impl->count.use_count());
    for (const Node* entry : view.entries) {
        std::shared_ptr<const void> copy = entry->copy_saved();
        if (!copy) continue;
        for (const auto& [impl, before] : counts)
            if (impl->count.use_count() > before) view.saved[entry].push_back(view.ids.at(impl));
    }
}

GraphView build_view(const std::vector<Tensor>& outputs, const GraphOptions& options,
                     const char* op) {
    GraphView view;
    std::vector<const Node*> roots;
    for (const Tensor& out : outputs) {
        check_defined(out, op);
        view.outputs.insert(out.impl());
        roots.push_back(out.grad_fn());
        if (options.show_gradient_graphs) roots.push_back(gradient_entry(out.impl()));
    }
    std::unordered_set<const Node*> seen;
    while (!roots.empty()) {
        roots = collect(std::move(roots), seen, view.entries);
        if (!options.show_gradient_graphs) break;
    }
    std::sort(view.entries.begin(), view.entries.end(),
              [](const Node* a, const Node* b) { return a->sequence < b->sequence; });
    for (std::size_t i = 0; i < view.entries.size(); ++i) {
        view.ids[view.entries[i]->output] = numbered('e', i);
        for (const Tensor& input : view.entries[i]->inputs) name_leaf(view, input);
    }
    for (const Tensor& out : outputs) name_leaf(view, out);
    for (const auto& [name, t] : options.names)
        if (t.defined()) view.names[t.impl()] = name;
    if (options.show_saved) find_saved(view);
    return view;
}

std::string describe(const TensorImpl* impl) {
    return to_string(impl->shape) + " " + dtype_name(impl->dtype);
}

// Facts shown for a leaf or an entry's output, in the order both writers print them.
std::vector<std::string> facts(const GraphView& view, const TensorImpl* impl, const Node* entry,
                               bool gradient_graphs) {
    std::vector<std::string> out{describe(impl)};
    if (entry && entry->released) out.push_back("released");
    if (entry && entry->recorded_in_backward) out.push_back("recorded by backward");
    if (!entry && impl->requires_grad) out.push_back("requires_grad");
    if (impl->grad) {
        std::string grad = "grad " + to_string(impl->grad->shape);
        auto from = view.ids.find(impl->grad);
        if (gradient_graphs && from != view.ids.end()) grad += " from " + from->second;
        out.push_back(grad);
    }
    if (entry && view.saved.count(entry)) {
        std::string saved = "saves";
        for (const std::string& id : view.saved.at(entry)) saved += " " + id;
        out.push_back(saved);
    }
    return out;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string s;
    for (const std::string& part : parts) s += (s.empty() ? "" : separator) + part;
    return s;
}

// A DOT string literal whose lines are `lines`.
std::string dot_label(const std::vector<std::string>& lines) {
    std::string s = "\"";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) s += "\\n";
        for (char c : lines[i]) {
            if (c == '"' || c == '\\') s += '\\';
            s += c;
        }
    }
    return s + "\"";
}

std::string title(const GraphView& view, const TensorImpl* impl, const std::string& what) {
    auto name = view.names.find(impl);
    return view.ids.at(impl) + (what.empty() ? "" : " " + what) +
           (name == view.names.end() ? "" : " " + name->second);
}

void write_dot_leaf(std::ostream& os, const GraphView& view, const Tensor& leaf,
                    const GraphOptions& options) {
    const TensorImpl* impl = leaf.impl();
    std::vector<std::string> label = facts(view, impl, nullptr, options.show_gradient_graphs);
    label.insert(label.begin(), title(view, impl, ""));
    os << "  " << view.ids.at(impl)
       << " [shape=box, style=filled, fillcolor=" << (impl->requires_grad ? "lightblue" : "white")
       << (view.outputs.count(impl) ? ", peripheries=2" : "") << ", label=" << dot_label(label)
       << "];\n";
}

void write_dot_entry(std::ostream& os, const GraphView& view, const Node* entry,
                     const GraphOptions& options) {
    const TensorImpl* impl = entry->output;
    std::vector<std::string> label = facts(view, impl, entry, options.show_gradient_graphs);
    label.insert(label.begin(), title(view, impl, op_name(entry->op)));
    os << "  " << view.ids.at(impl) << " [shape=ellipse, style=filled, fillcolor="
       << (entry->recorded_in_backward ? "lightpink" : "lightyellow")
       << (view.outputs.count(impl) ? ", peripheries=2" : "") << ", label=" << dot_label(label)
       << "];\n";
}

void write_dot_edges(std::ostream& os, const GraphView& view, const Node* entry) {
    const std::string& to = view.ids.at(entry->output);
    for (std::size_t i = 0; i < entry->inputs.size(); ++i) {
        const Tensor& input = entry->inputs[i];
        if (!input.defined()) continue;
        os << "  " << view.ids.at(input.impl()) << " -> " << to;
        if (entry->inputs.size() > 1) os << " [label=\"" << i << "\"]";
        os << ";\n";
    }
    if (view.saved.count(entry))
        for (const std::string& from : view.saved.at(entry))
            os << "  " << from << " -> " << to
               << " [style=dashed, color=darkorange, label=\"saved\"];\n";
}

// The edge from a gradient's entry into the tensor whose .grad it is; it does not rank the
// layout, so leaves stay at the top with the other inputs.
void write_dot_gradient_edges(std::ostream& os, const GraphView& view) {
    for (const TensorImpl* impl : tensors_in_order(view)) {
        auto from = impl->grad ? view.ids.find(impl->grad) : view.ids.end();
        if (from != view.ids.end())
            os << "  " << from->second << " -> " << view.ids.at(impl)
               << " [style=dashed, label=\"grad\", constraint=false];\n";
    }
}

std::string entry_line(const GraphView& view, const Node* entry, const GraphOptions& options) {
    std::vector<std::string> inputs;
    for (const Tensor& input : entry->inputs)
        inputs.push_back(input.defined() ? view.ids.at(input.impl()) : "-");
    std::vector<std::string> rest = facts(view, entry->output, entry, options.show_gradient_graphs);
    std::string line = title(view, entry->output, "") + " = " + op_name(entry->op) + "(" +
                       join(inputs, ", ") + ") -> " + rest.front();
    rest.erase(rest.begin());
    return rest.empty() ? line : line + ", " + join(rest, ", ");
}

}  // namespace

std::string to_dot(const std::vector<Tensor>& outputs, const GraphOptions& options) {
    GraphView view = build_view(outputs, options, "to_dot");
    std::ostringstream os;
    os << "digraph potatolemon {\n"
       << "  node [fontname=\"Helvetica\", fontsize=10];\n"
       << "  edge [fontname=\"Helvetica\", fontsize=8];\n";
    for (const Tensor& leaf : view.leaves) write_dot_leaf(os, view, leaf, options);
    for (const Node* entry : view.entries) write_dot_entry(os, view, entry, options);
    for (const Node* entry : view.entries) write_dot_edges(os, view, entry);
    if (options.show_gradient_graphs) write_dot_gradient_edges(os, view);
    os << "}\n";
    return os.str();
}

void print_graph(const Tensor& loss, std::ostream& os, const GraphOptions& options) {
    GraphView view = build_view({loss}, options, "print_graph");
    std::unordered_set<const TensorImpl*> printed;
    auto print_leaf = [&](const Tensor& leaf) {
        if (!leaf.defined() || leaf.grad_fn() || !printed.insert(leaf.impl()).second) return;
        os << title(view, leaf.impl(), "") << " = leaf "
           << join(facts(view, leaf.impl(), nullptr, options.show_gradient_graphs), ", ") << "\n";
    };
    for (const Node* entry : view.entries) {
        for (const Tensor& input : entry->inputs) print_leaf(input);
        os << entry_line(view, entry, options) << "\n";
    }
    print_leaf(loss);
}

void print_graph(const Tensor& loss) {
    print_graph(loss, std::cout);
}

}  // namespace potatolemon
