// Everything nn offers, in one include: modules and layers, losses, optimisers, schedulers and
// gradient clipping, save/load.
#pragma once
#include "nn/activation.hpp"
#include "nn/init.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "nn/loss_module.hpp"
#include "nn/module.hpp"
#include "nn/sequential.hpp"
#include "nn/serialize.hpp"

#include "nn/optim/adam.hpp"
#include "nn/optim/clip_grad.hpp"
#include "nn/optim/lr_scheduler.hpp"
#include "nn/optim/optimizer.hpp"
#include "nn/optim/reduce_lr_on_plateau.hpp"
#include "nn/optim/rmsprop.hpp"
#include "nn/optim/sgd.hpp"
