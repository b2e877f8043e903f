// --verify-diagnostics means what it means in mlir-opt: each chunk's
// expected-error/-warning/-remark/-note annotations (@+N, @-N, @above,
// @below, {{substring}}) must match its diagnostics one for one.
// RUN: pack-opt %s --split-input-file --verify-diagnostics -p 'pack-greedily{packed-sizes=8,16,32 report=true}'
// And a mismatch fails, naming the annotation and the diagnostic:
// RUN: not pack-opt %S/Inputs/verify_diagnostics_wrong.mlir --split-input-file --verify-diagnostics 2>&1 | filecheck %S/Inputs/verify_diagnostics_wrong.mlir
// RUN: not pack-opt %S/Inputs/verify_diagnostics_wrong.mlir --split-input-file --verify-diagnostics -o %t.out
// RUN: not test -e %t.out

// Remarks of a pass, on the same line (no designator) and one below.
func.func @remarks(%a: tensor<16x64xf32>, %b: tensor<64x32xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %cst = arith.constant 0.0 : f32
  %0 = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32> // expected-remark {{packed matmul}}
  // expected-remark @below {{linalg.fill: not packed: expected 2 inputs and 1 init}}
  %1 = linalg.fill ins(%cst : f32) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %0 : tensor<16x32xf32>
}

// -----

// An error named from below (@-N) and from after a comment line (@above).
func.func @errors(%src: tensor<8x8xf32>, %dest: tensor<4x4x0x2xf32>) -> tensor<4x4x0x2xf32> {
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [0, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x0x2xf32>
  // expected-error @-1 {{invalid zero tile factor}}
  return %0 : tensor<4x4x0x2xf32>
}

// -----

func.func @above(%src: tensor<8x8xf32>, %dest: tensor<4x4x0x2xf32>) -> tensor<4x4x0x2xf32> {
  %0 = linalg.pack %src inner_dims_pos = [0, 1] inner_tiles = [0, 2] into %dest : tensor<8x8xf32> -> tensor<4x4x0x2xf32>
  // expected-error @above {{invalid zero tile factor}}
  return %0 : tensor<4x4x0x2xf32>
}
