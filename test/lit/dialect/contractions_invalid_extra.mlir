// Named-contraction errors upstream reports while parsing (with a different
// message); packdialect reports them from the verifier. Not fed to iree-opt.
// RUN: pack-opt %s --split-input-file --verify-diagnostics
// RUN: pack-opt %s --split-input-file --print-diagnostics | filecheck %s

func.func @matmul_one_input(%a: tensor<4x8xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+2 {{'linalg.matmul' op expected 2 inputs and 1 output, got 1 and 1}}
  // CHECK: contractions_invalid_extra.mlir:[[# @LINE + 1]]:8: error: 'linalg.matmul' op expected 2 inputs and 1 output, got 1 and 1
  %0 = linalg.matmul ins(%a : tensor<4x8xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Only matmul and batch_matmul take non-default indexing_maps.
func.func @matvec_maps(%a: tensor<8x4xf32>, %x: tensor<8xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'linalg.matvec' op does not accept indexing_maps}}
  // CHECK: contractions_invalid_extra.mlir:[[# @LINE + 1]]:8: error: 'linalg.matvec' op does not accept indexing_maps
  %0 = linalg.matvec indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>]
         ins(%a, %x : tensor<8x4xf32>, tensor<8xf32>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
