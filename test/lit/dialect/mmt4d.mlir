// linalg.mmt4d / linalg.batch_mmt4d: custom -> generic -> custom round trip.
// RUN: pack-opt %s | pack-opt --print-op-generic | pack-opt | filecheck %s
// RUN: pack-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @mmt4d_f32(
// CHECK-SAME:    %[[LHS:[^:]+]]: tensor<10x32x8x1xf32>, %[[RHS:[^:]+]]: tensor<80x32x4x1xf32>, %[[ACC:[^:]+]]: tensor<10x80x8x4xf32>)
// CHECK:         %[[R:.+]] = linalg.mmt4d
// CHECK-NOT:       indexing_maps
// CHECK-SAME:      ins(%[[LHS]], %[[RHS]] : tensor<10x32x8x1xf32>, tensor<80x32x4x1xf32>)
// CHECK-SAME:      outs(%[[ACC]] : tensor<10x80x8x4xf32>)
// CHECK-SAME:      -> tensor<10x80x8x4xf32>
// CHECK:         return %[[R]]
// The generic form carries the hidden multiply-accumulate body.
// GENERIC-LABEL: sym_name = "mmt4d_f32"
// GENERIC:       "linalg.mmt4d"(%{{[^,]+}}, %{{[^,]+}}, %{{[^)]+}}) <{operandSegmentSizes = array<i32: 2, 1>}> ({
// GENERIC-NEXT:  ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %[[C:.+]]: f32):
// GENERIC-NEXT:    %[[M:.+]] = "arith.mulf"(%[[A]], %[[B]])
// GENERIC-NEXT:    %[[S:.+]] = "arith.addf"(%[[C]], %[[M]])
// GENERIC-NEXT:    "linalg.yield"(%[[S]])
func.func @mmt4d_f32(%lhs: tensor<10x32x8x1xf32>, %rhs: tensor<80x32x4x1xf32>, %acc: tensor<10x80x8x4xf32>) -> tensor<10x80x8x4xf32> {
  %0 = linalg.mmt4d ins(%lhs, %rhs : tensor<10x32x8x1xf32>, tensor<80x32x4x1xf32>)
                    outs(%acc : tensor<10x80x8x4xf32>) -> tensor<10x80x8x4xf32>
  return %0 : tensor<10x80x8x4xf32>
}

// i8 x i8 -> i32: the body sign-extends both inputs.
// CHECK-LABEL: func.func @mmt4d_i8_i32(
// CHECK:         linalg.mmt4d
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<4x16x8x2xi8>, tensor<6x16x4x2xi8>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<4x6x8x4xi32>)
// CHECK-SAME:      -> tensor<4x6x8x4xi32>
// GENERIC-LABEL: sym_name = "mmt4d_i8_i32"
// GENERIC:       ^bb0(%{{.+}}: i8, %{{.+}}: i8, %{{.+}}: i32):
// GENERIC-NEXT:    "arith.extsi"(%{{.+}}) : (i8) -> i32
// GENERIC-NEXT:    "arith.extsi"(%{{.+}}) : (i8) -> i32
// GENERIC-NEXT:    "arith.muli"
// GENERIC-NEXT:    "arith.addi"
func.func @mmt4d_i8_i32(%lhs: tensor<4x16x8x2xi8>, %rhs: tensor<6x16x4x2xi8>, %acc: tensor<4x6x8x4xi32>) -> tensor<4x6x8x4xi32> {
  %0 = linalg.mmt4d ins(%lhs, %rhs : tensor<4x16x8x2xi8>, tensor<6x16x4x2xi8>)
                    outs(%acc : tensor<4x6x8x4xi32>) -> tensor<4x6x8x4xi32>
  return %0 : tensor<4x6x8x4xi32>
}

// Dynamic outer dims.
// CHECK-LABEL: func.func @mmt4d_dynamic(
// CHECK:         linalg.mmt4d
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<?x?x8x1xf32>, tensor<?x?x4x1xf32>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<?x?x8x4xf32>)
func.func @mmt4d_dynamic(%lhs: tensor<?x?x8x1xf32>, %rhs: tensor<?x?x4x1xf32>, %acc: tensor<?x?x8x4xf32>) -> tensor<?x?x8x4xf32> {
  %0 = linalg.mmt4d ins(%lhs, %rhs : tensor<?x?x8x1xf32>, tensor<?x?x4x1xf32>)
                    outs(%acc : tensor<?x?x8x4xf32>) -> tensor<?x?x8x4xf32>
  return %0 : tensor<?x?x8x4xf32>
}

// CHECK-LABEL: func.func @batch_mmt4d_f32(
// CHECK-SAME:    %[[LHS:[^:]+]]: tensor<3x10x32x8x1xf32>, %[[RHS:[^:]+]]: tensor<3x80x32x4x1xf32>, %[[ACC:[^:]+]]: tensor<3x10x80x8x4xf32>)
// CHECK:         linalg.batch_mmt4d
// CHECK-SAME:      ins(%[[LHS]], %[[RHS]] : tensor<3x10x32x8x1xf32>, tensor<3x80x32x4x1xf32>)
// CHECK-SAME:      outs(%[[ACC]] : tensor<3x10x80x8x4xf32>)
// CHECK-SAME:      -> tensor<3x10x80x8x4xf32>
func.func @batch_mmt4d_f32(%lhs: tensor<3x10x32x8x1xf32>, %rhs: tensor<3x80x32x4x1xf32>, %acc: tensor<3x10x80x8x4xf32>) -> tensor<3x10x80x8x4xf32> {
  %0 = linalg.batch_mmt4d ins(%lhs, %rhs : tensor<3x10x32x8x1xf32>, tensor<3x80x32x4x1xf32>)
                          outs(%acc : tensor<3x10x80x8x4xf32>) -> tensor<3x10x80x8x4xf32>
  return %0 : tensor<3x10x80x8x4xf32>
}

// f16 x f16 -> f32: the body float-extends both inputs.
// CHECK-LABEL: func.func @batch_mmt4d_f16_f32(
// CHECK:         linalg.batch_mmt4d
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : tensor<2x4x8x16x2xf16>, tensor<2x5x8x16x2xf16>)
// CHECK-SAME:      outs(%{{[^ ]+}} : tensor<2x4x5x16x16xf32>)
// GENERIC-LABEL: sym_name = "batch_mmt4d_f16_f32"
// GENERIC:       ^bb0(%{{.+}}: f16, %{{.+}}: f16, %{{.+}}: f32):
// GENERIC-NEXT:    "arith.extf"(%{{.+}}) : (f16) -> f32
// GENERIC-NEXT:    "arith.extf"(%{{.+}}) : (f16) -> f32
// GENERIC-NEXT:    "arith.mulf"
// GENERIC-NEXT:    "arith.addf"
func.func @batch_mmt4d_f16_f32(%lhs: tensor<2x4x8x16x2xf16>, %rhs: tensor<2x5x8x16x2xf16>, %acc: tensor<2x4x5x16x16xf32>) -> tensor<2x4x5x16x16xf32> {
  %0 = linalg.batch_mmt4d ins(%lhs, %rhs : tensor<2x4x8x16x2xf16>, tensor<2x5x8x16x2xf16>)
                          outs(%acc : tensor<2x4x5x16x16xf32>) -> tensor<2x4x5x16x16xf32>
  return %0 : tensor<2x4x5x16x16xf32>
}

// mmt4d on buffers: no result.
// CHECK-LABEL: func.func @mmt4d_memref(
// CHECK:         linalg.mmt4d
// CHECK-SAME:      ins(%{{[^,]+}}, %{{[^ ]+}} : memref<2x3x8x1xf32>, memref<4x3x4x1xf32>)
// CHECK-SAME:      outs(%{{[^ ]+}} : memref<2x4x8x4xf32>)
// CHECK-NOT:       ->
// CHECK:         return
func.func @mmt4d_memref(%lhs: memref<2x3x8x1xf32>, %rhs: memref<4x3x4x1xf32>, %acc: memref<2x4x8x4xf32>) {
  linalg.mmt4d ins(%lhs, %rhs : memref<2x3x8x1xf32>, memref<4x3x4x1xf32>) outs(%acc : memref<2x4x8x4xf32>)
  return
}
