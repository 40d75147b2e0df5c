// Everything a user of the autograd engine needs, in one include.
#pragma once
#include "autograd/factories.hpp"
#include "autograd/gradcheck.hpp"
#include "autograd/ops_conv.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_index.hpp"
#include "autograd/ops_loss.hpp"
#include "autograd/ops_matmul.hpp"
#include "autograd/ops_reduce.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/tape.hpp"
#include "autograd/tensor.hpp"
