// RUN: pack-opt %s --split-input-file --verify-diagnostics -p 'lower-packs{to-tensor-ops=true}' | filecheck %s

// An op with dynamic tiles or shapes lowers only when upstream's decomposition
// applies (outer dims of 1); any other is kept, with a remark at it, and the
// rest of the input is still lowered.

// CHECK-LABEL: func.func @dynamic_tile
// CHECK:         linalg.pack %{{.+}} inner_tiles = [%{{.+}}, 1]
// CHECK-NOT:     linalg.pack
// CHECK:         tensor.insert_slice
func.func @dynamic_tile(%a: tensor<16x8xf32>, %t: index, %e: tensor<2x8x?x1xf32>, %b: tensor<8x1xf32>, %d: tensor<1x1x8x1xf32>) -> (tensor<2x8x?x1xf32>, tensor<1x1x8x1xf32>) {
  // expected-remark @+1 {{lower-packs: kept 'linalg.pack': with dynamic inner tiles it lowers to tensor ops only when its outer dims are all 1}}
  %p = linalg.pack %a inner_dims_pos = [0, 1] inner_tiles = [%t, 1] into %e : tensor<16x8xf32> -> tensor<2x8x?x1xf32>
  %q = linalg.pack %b inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %d : tensor<8x1xf32> -> tensor<1x1x8x1xf32>
  return %p, %q : tensor<2x8x?x1xf32>, tensor<1x1x8x1xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic_shape
// CHECK:         linalg.unpack
func.func @dynamic_shape(%p: tensor<?x8x8x1xf32>, %d: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-remark @+1 {{with dynamic shapes it lowers to tensor ops only when its tiled outer dims are all 1}}
  %u = linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %d : tensor<?x8x8x1xf32> -> tensor<?x8xf32>
  return %u : tensor<?x8xf32>
}
