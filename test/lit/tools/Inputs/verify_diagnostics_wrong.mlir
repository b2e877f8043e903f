// Annotations that do not match (used by ../verify_diagnostics.mlir): each
// mismatch is reported and pack-opt exits 1; chunks without one are quiet.

// CHECK-NOT: Traceback
// CHECK: verify_diagnostics_wrong.mlir:[[# @LINE + 4]]:8: error: unexpected error: invalid zero tile factor
// CHECK: verify_diagnostics_wrong.mlir:[[# @LINE + 1]]:4: error: expected error "no such message" was not produced
// expected-error @+1 {{no such message}}
func.func @wrong_message(%src: tensor<8x8xf32>, %dest: tensor<4x4x0x2xf32>) -> tensor<4x4x0x2xf32> {
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [0, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x0x2xf32>
  return %0 : tensor<4x4x0x2xf32>
}

// -----

// An error where none is expected.
func.func @unexpected(%src: tensor<8x8xf32>, %dest: tensor<4x4x0x2xf32>) -> tensor<4x4x0x2xf32> {
  // CHECK: verify_diagnostics_wrong.mlir:[[# @LINE + 1]]:8: error: unexpected error: invalid zero tile factor
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [0, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x0x2xf32>
  return %0 : tensor<4x4x0x2xf32>
}

// -----

// The right message with the wrong severity.
func.func @severity(%src: tensor<8x8xf32>, %dest: tensor<4x4x0x2xf32>) -> tensor<4x4x0x2xf32> {
  // CHECK: verify_diagnostics_wrong.mlir:[[# @LINE + 2]]:6: error: 'error' diagnostic emitted when expecting a 'remark'
  // CHECK: verify_diagnostics_wrong.mlir:[[# @LINE + 1]]:6: error: expected remark "invalid zero tile factor" was not produced
  // expected-remark @+1 {{invalid zero tile factor}}
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [0, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x0x2xf32>
  return %0 : tensor<4x4x0x2xf32>
}

// -----

// The right message on the wrong line.
func.func @line(%src: tensor<8x8xf32>, %dest: tensor<4x4x0x2xf32>) -> tensor<4x4x0x2xf32> {
  // CHECK: verify_diagnostics_wrong.mlir:[[# @LINE + 3]]:8: error: unexpected error: invalid zero tile factor
  // CHECK: verify_diagnostics_wrong.mlir:[[# @LINE + 1]]:6: error: expected error "invalid zero tile factor" was not produced
  // expected-error @+2 {{invalid zero tile factor}}
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [0, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x0x2xf32>
  return %0 : tensor<4x4x0x2xf32>
}

// -----

// A note nobody emits.
func.func @note() {
  // CHECK: verify_diagnostics_wrong.mlir:[[# @LINE + 1]]:6: error: expected note "a note" was not produced
  // expected-note @+1 {{a note}}
  return
}

// -----

// A chunk whose annotation matches reports nothing.
func.func @fine(%src: tensor<8x8xf32>, %dest: tensor<4x4x0x2xf32>) -> tensor<4x4x0x2xf32> {
  // expected-error @+1 {{invalid zero tile factor}}
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [0, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x0x2xf32>
  return %0 : tensor<4x4x0x2xf32>
}
// CHECK-NOT: error:
