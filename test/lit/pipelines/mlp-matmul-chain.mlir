// A chain of matmuls with equal tile sizes (n0 = k0) keeps the activations
// packed between them: only x is packed and only the last result unpacked.
// The weights are arguments here, so their packs stay (at run time).
//
// RUN: pack-opt %s -p 'pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d,pack-stats' 2>&1 >/dev/null | filecheck %s --check-prefix=STATS
// RUN: pack-opt %s -p 'pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | filecheck %s

// STATS: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-stats @chain: packs=4 unpacks=1

// CHECK-LABEL: func.func @chain(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<16x32xf32>, %[[W1:[a-z0-9]+]]: tensor<32x32xf32>, %[[W2:[a-z0-9]+]]: tensor<32x32xf32>, %[[W3:[a-z0-9]+]]: tensor<32x16xf32>
// CHECK-DAG:     %[[XP:.+]] = linalg.pack %[[X]] {{.*}}inner_dims_pos = [0, 1] inner_tiles = [8, 16]
// CHECK-DAG:     %[[W1P:.+]] = linalg.pack %[[W1]] outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 16]
// CHECK:         %[[H1:.+]] = linalg.mmt4d ins(%[[XP]], %[[W1P]]
// CHECK-NOT:     linalg.unpack
// CHECK:         %[[W2P:.+]] = linalg.pack %[[W2]] outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 16]
// CHECK:         %[[H2:.+]] = linalg.mmt4d ins(%[[H1]], %[[W2P]]
// CHECK-NOT:     linalg.unpack
// CHECK:         %[[W3P:.+]] = linalg.pack %[[W3]] outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [16, 16]
// CHECK:         %[[Y:.+]] = linalg.mmt4d ins(%[[H2]], %[[W3P]]
// CHECK:         %[[YU:.+]] = linalg.unpack %[[Y]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<2x1x8x16xf32> -> tensor<16x16xf32>
// CHECK-NEXT:    return %[[YU]]
func.func @chain(%x: tensor<16x32xf32>, %w1: tensor<32x32xf32>, %w2: tensor<32x32xf32>, %w3: tensor<32x16xf32>) -> tensor<16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<16x32xf32>
  %a1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %h1 = linalg.matmul ins(%x, %w1 : tensor<16x32xf32>, tensor<32x32xf32>) outs(%a1 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %e2 = tensor.empty() : tensor<16x32xf32>
  %a2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %h2 = linalg.matmul ins(%h1, %w2 : tensor<16x32xf32>, tensor<32x32xf32>) outs(%a2 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %e3 = tensor.empty() : tensor<16x16xf32>
  %a3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %y = linalg.matmul ins(%h2, %w3 : tensor<16x32xf32>, tensor<32x16xf32>) outs(%a3 : tensor<16x16xf32>) -> tensor<16x16xf32>
  func.return %y : tensor<16x16xf32>
}
