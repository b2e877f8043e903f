// REQUIRES: iree-opt
// Upstream's canonicalize folds tensor.cast as ours does.
// RUN: iree-opt --split-input-file --canonicalize %S/../passes/canonicalize-cast.mlir | filecheck %S/../passes/canonicalize-cast.mlir
