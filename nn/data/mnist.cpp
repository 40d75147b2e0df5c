// load_mnist: two read_idx calls and the check that they describe the same number of items.
#include "nn/data/mnist.hpp"

#include "nn/data/format_error.hpp"

namespace potatolemon::data {

MnistSet load_mnist(const std::string& images_path, const std::string& labels_path) {
    MnistSet set{read_idx(images_path, {.type_code = idx_ubyte, .rank = 3}),
                 read_idx(labels_path, {.type_code = idx_ubyte, .rank = 1})};
    std::int64_t images = set.images.dims[0], labels = set.labels.dims[0];
    if (images != labels)
        detail::throw_format_error(
            "load_mnist", labels_path, 4,
            "expected " + std::to_string(images) + " labels, one per image in '" + images_path +
                "', found " + std::to_string(labels));
    return set;
}

}  // namespace potatolemon::data
