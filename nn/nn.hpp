// Everything nn offers, in one include: modules and layers, losses, optimisers, save/load.
#pragma once
#include "nn/activation.hpp"
#include "nn/adam.hpp"
#include "nn/flatten.hpp"
#include "nn/init.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "nn/loss_module.hpp"
#include "nn/module.hpp"
#include "nn/optimizer.hpp"
#include "nn/sequential.hpp"
#include "nn/serialize.hpp"
#include "nn/sgd.hpp"
