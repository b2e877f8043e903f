// REQUIRES: iree-opt
// Upstream MLIR accepts and rejects the same tensor.pad ops we do.
// RUN: iree-opt %S/../dialect/pad.mlir --split-input-file --verify-diagnostics | filecheck %S/../dialect/pad.mlir
