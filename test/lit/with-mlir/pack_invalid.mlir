// REQUIRES: iree-opt
// Upstream MLIR reports every error of test/lit/dialect/pack_invalid.mlir in
// the words (and at the places) that file checks pack-opt's messages against:
// `--verify-diagnostics` fails on a missing, extra or differently worded error.
// RUN: iree-opt --split-input-file --verify-diagnostics %S/../dialect/pack_invalid.mlir
// And pack-opt matches the same annotations with the same flag, as mlir-opt
// means it (a missing, extra or differently worded error fails).
// RUN: pack-opt --split-input-file --verify-diagnostics %S/../dialect/pack_invalid.mlir
// Each annotation counts: as many errors as annotations.
// RUN: pack-opt --split-input-file --print-diagnostics %S/../dialect/pack_invalid.mlir | grep -c "error:" | filecheck %s
// RUN: grep -c "expected-error @" %S/../dialect/pack_invalid.mlir | filecheck %s
// CHECK: {{^}}30{{$}}
