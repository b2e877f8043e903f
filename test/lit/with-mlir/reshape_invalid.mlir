// REQUIRES: iree-opt
// Upstream's verifier gives the errors test/lit/dialect/reshape_invalid.mlir
// expects of ours, at the same places.
// RUN: iree-opt --split-input-file --verify-diagnostics %S/../dialect/reshape_invalid.mlir
