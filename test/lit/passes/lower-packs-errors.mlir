// RUN: pack-opt %s --split-input-file --verify-diagnostics -p 'lower-packs{to-tensor-ops=true}' | filecheck %s

// Dynamic tiles are refused.

// CHECK: error: lower-packs: 'linalg.pack' with dynamic inner tiles is not supported
func.func @dynamic_tile(%a: tensor<16x8xf32>, %t: index, %e: tensor<2x8x?x1xf32>) -> tensor<2x8x?x1xf32> {
  %p = linalg.pack %a inner_dims_pos = [0, 1] inner_tiles = [%t, 1] into %e : tensor<16x8xf32> -> tensor<2x8x?x1xf32>
  return %p : tensor<2x8x?x1xf32>
}

// -----

// CHECK: error: lower-packs: linalg.unpack with dynamic shapes is not supported
func.func @dynamic_shape(%p: tensor<?x8x8x1xf32>, %d: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %u = linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %d : tensor<?x8x8x1xf32> -> tensor<?x8xf32>
  return %u : tensor<?x8xf32>
}
