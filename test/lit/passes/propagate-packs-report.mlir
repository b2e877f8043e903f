// RUN: pack-opt %s -p 'propagate-packs{report=true}' -o /dev/null 2>&1 | filecheck %s

// report=true: a remark at every pack / unpack propagation leaves, saying
// why; the ones canonicalize removes next (packs of constants, cancelling
// pairs) are not reported.

// CHECK: propagate-packs-report.mlir:14:8: remark: propagate-packs: linalg.unpack (inner_dims_pos = [0, 1] inner_tiles = [8, 16]) stays: 'linalg.transpose' uses it, which propagation does not cross
// CHECK: propagate-packs-report.mlir:20:3: remark: propagate-packs: linalg.pack (inner_dims_pos = [0] inner_tiles = [8]) stays: it packs a function argument (the caller's layout)
// CHECK-NOT: remark
func.func @report(%x: tensor<2x4x8x16xf32>, %y: tensor<16x64xf32>) -> (tensor<64x16xf32>, tensor<2x64x8xf32>, tensor<2x64x8xf32>) {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %et = tensor.empty() : tensor<64x16xf32>
  %t = linalg.transpose ins(%u : tensor<16x64xf32>) outs(%et : tensor<64x16xf32>) permutation = [1, 0]
  %ep = tensor.empty() : tensor<2x64x8xf32>
  %p = linalg.pack %y inner_dims_pos = [0] inner_tiles = [8] into %ep : tensor<16x64xf32> -> tensor<2x64x8xf32>
  %c = arith.constant dense<1.0> : tensor<16x64xf32>
  %ec = tensor.empty() : tensor<2x64x8xf32>
  %pc = linalg.pack %c inner_dims_pos = [0] inner_tiles = [8] into %ec : tensor<16x64xf32> -> tensor<2x64x8xf32>
  return %t, %p, %pc : tensor<64x16xf32>, tensor<2x64x8xf32>, tensor<2x64x8xf32>
}
