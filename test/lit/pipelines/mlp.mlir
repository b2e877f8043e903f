// The MLP of examples/mlp.mlir through the packing pipeline: one pack (of x)
// and one unpack (of y) remain, the activations stay packed between layers,
// every weight and bias becomes a packed constant, every matmul a linalg.mmt4d.
//
// RUN: pack-opt %examples/mlp.mlir -p 'pack-stats,pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},pack-stats,propagate-packs,canonicalize,specialize-mmt4d,pack-stats' 2>&1 >/dev/null | filecheck %s --check-prefix=STATS
// RUN: pack-opt %examples/mlp.mlir -p 'pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | filecheck %s

// Before, after pack-greedily (a pack per operand, an unpack per result),
// after propagation: only x and y move.
// STATS:      {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-stats @mlp: packs=0 unpacks=0 bytes=0
// STATS-NEXT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-stats @mlp: packs=9 unpacks=3
// STATS-NEXT: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: pack-stats @mlp: packs=1 unpacks=1 bytes=12288

// CHECK-LABEL: func.func @mlp(
// CHECK-SAME:      %[[X:.+]]: tensor<16x64xf32>) -> tensor<16x32xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] {{.*}}inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
// CHECK-NOT:     linalg.pack
// CHECK-NOT:     linalg.unpack
// CHECK:         %[[W1:.+]] = arith.constant dense<{{.+}}> : tensor<4x4x16x16xf32>
// CHECK:         %[[H1:.+]] = linalg.mmt4d ins(%[[XP]], %[[W1]] : tensor<2x4x8x16xf32>, tensor<4x4x16x16xf32>)
// CHECK:         %[[B1:.+]] = arith.constant dense<{{.+}}> : tensor<4x16xf32>
// CHECK:         %[[A1:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[H1]], %[[B1]] : tensor<2x4x8x16xf32>, tensor<4x16xf32>)
// CHECK:         arith.addf
// CHECK:         %[[R1:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[A1]] : tensor<2x4x8x16xf32>)
// CHECK:         arith.maximumf
// CHECK:         %[[W2:.+]] = arith.constant dense<{{.+}}> : tensor<4x4x16x16xf32>
// CHECK:         %[[H2:.+]] = linalg.mmt4d ins(%[[R1]], %[[W2]] : tensor<2x4x8x16xf32>, tensor<4x4x16x16xf32>)
// CHECK:         %[[B2:.+]] = arith.constant dense<{{.+}}> : tensor<4x16xf32>
// CHECK:         %[[A2:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[H2]], %[[B2]] : tensor<2x4x8x16xf32>, tensor<4x16xf32>)
// CHECK:         %[[R2:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[A2]] : tensor<2x4x8x16xf32>)
// CHECK:         %[[W3:.+]] = arith.constant dense<{{.+}}> : tensor<2x4x16x16xf32>
// CHECK:         %[[Y:.+]] = linalg.mmt4d ins(%[[R2]], %[[W3]] : tensor<2x4x8x16xf32>, tensor<2x4x16x16xf32>)
// CHECK-NOT:     linalg.pack
// CHECK:         %[[YU:.+]] = linalg.unpack %[[Y]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<2x2x8x16xf32> -> tensor<16x32xf32>
// CHECK-NEXT:    return %[[YU]]
