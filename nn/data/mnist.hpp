// Loads an MNIST-format data set (MNIST, Fashion-MNIST, ...): an IDX file of ubyte images
// [N, rows, cols] and one of ubyte labels [N], either possibly gzipped. Raw bytes only;
// scaling to floats and batching belong to the caller.
#pragma once
#include <string>

#include "nn/data/idx.hpp"

namespace potatolemon::data {

struct MnistSet {
    IdxArray images;  // ubyte [N, rows, cols]
    IdxArray labels;  // ubyte [N]
};

// Reads both files with read_idx, requiring the types and ranks above. Throws FormatError when
// either file is malformed or the two counts differ ("load_mnist: <labels_path>: byte 4: ..."),
// and std::system_error when a file cannot be read.
MnistSet load_mnist(const std::string& images_path, const std::string& labels_path);

}  // namespace potatolemon::data
