// RUN: pack-opt %s --split-input-file --verify-diagnostics -p 'lower-packs{to-tensor-ops=true}'
// RUN: pack-opt %s --split-input-file --print-diagnostics -p 'lower-packs{to-tensor-ops=true}' | filecheck %s

// Dynamic tiles are refused, at the op.

func.func @dynamic_tile(%a: tensor<16x8xf32>, %t: index, %e: tensor<2x8x?x1xf32>) -> tensor<2x8x?x1xf32> {
  // CHECK: lower-packs-errors.mlir:[[# @LINE + 2]]:8: error: lower-packs: 'linalg.pack' with dynamic inner tiles is not supported
  // expected-error @+1 {{'linalg.pack' with dynamic inner tiles is not supported}}
  %p = linalg.pack %a inner_dims_pos = [0, 1] inner_tiles = [%t, 1] into %e : tensor<16x8xf32> -> tensor<2x8x?x1xf32>
  return %p : tensor<2x8x?x1xf32>
}

// -----

func.func @dynamic_shape(%p: tensor<?x8x8x1xf32>, %d: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK: lower-packs-errors.mlir:[[# @LINE + 2]]:8: error: lower-packs: linalg.unpack with dynamic shapes is not supported
  // expected-error @+1 {{linalg.unpack with dynamic shapes is not supported}}
  %u = linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %d : tensor<?x8x8x1xf32> -> tensor<?x8xf32>
  return %u : tensor<?x8xf32>
}
