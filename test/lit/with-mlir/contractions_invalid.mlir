// REQUIRES: iree-opt
// Upstream MLIR reports every error of test/lit/dialect/contractions_invalid.mlir
// in the words (and at the places) that file checks pack-opt's messages against.
// RUN: iree-opt --split-input-file --verify-diagnostics %S/../dialect/contractions_invalid.mlir
// RUN: pack-opt --split-input-file --verify-diagnostics %S/../dialect/contractions_invalid.mlir
// Each annotation counts: as many errors as annotations.
// RUN: pack-opt --split-input-file --print-diagnostics %S/../dialect/contractions_invalid.mlir | grep -c "error:" | filecheck %s
// RUN: grep -c "expected-error @" %S/../dialect/contractions_invalid.mlir | filecheck %s
// CHECK: {{^}}16{{$}}
