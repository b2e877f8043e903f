// Every named contraction generalizes to linalg.generic with upstream's maps,
// iterator types and body (sign-/float-extension of the inputs to the
// accumulator type, then multiply-add).
// RUN: pack-opt %s -p linalg-generalize-named-ops | filecheck %s
// RUN: pack-opt %s -p linalg-generalize-named-ops | pack-opt --print-op-generic | pack-opt | filecheck %s

// CHECK-DAG: #[[MAP1:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[MAP2:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[MAP3:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[MAP4:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[MAP5:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[MAP6:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[MAP7:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[MAP8:map[0-9]*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[MAP9:map[0-9]*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[MAP10:map[0-9]*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[MAP11:map[0-9]*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[MAP12:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[MAP13:map[0-9]*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[MAP14:map[0-9]*]] = affine_map<(d0) -> ()>
// CHECK-DAG: #[[MAP15:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
// CHECK-DAG: #[[MAP16:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[MAP17:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[MAP18:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4, d6)>
// CHECK-DAG: #[[MAP19:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d3, d5, d6)>
// CHECK-DAG: #[[MAP20:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d4, d5)>
// CHECK-LABEL: func.func @matmul_i8_i32(
// CHECK-SAME:    %[[A:[^:]+]]: tensor<4x8xi8>, %[[B:[^:]+]]: tensor<8x16xi8>, %[[C:[^:]+]]: tensor<4x16xi32>)
// CHECK-NOT:     linalg.matmul
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP1]], #[[MAP2]], #[[MAP3]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME:      ins(%[[A]], %[[B]] : tensor<4x8xi8>, tensor<8x16xi8>)
// CHECK-SAME:      outs(%[[C]] : tensor<4x16xi32>)
// CHECK-NEXT:    ^{{.*}}(%[[X:.+]]: i8, %[[Y:.+]]: i8, %[[ACC:.+]]: i32):
// CHECK-NEXT:      %[[XE:.+]] = arith.extsi %[[X]] : i8 to i32
// CHECK-NEXT:      %[[YE:.+]] = arith.extsi %[[Y]] : i8 to i32
// CHECK-NEXT:      %[[P:.+]] = arith.muli %[[XE]], %[[YE]] : i32
// CHECK-NEXT:      %[[S:.+]] = arith.addi %[[ACC]], %[[P]] : i32
// CHECK-NEXT:      linalg.yield %[[S]] : i32
// CHECK-NEXT:    } -> tensor<4x16xi32>
func.func @matmul_i8_i32(%a: tensor<4x8xi8>, %b: tensor<8x16xi8>, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xi8>, tensor<8x16xi8>) outs(%c : tensor<4x16xi32>) -> tensor<4x16xi32>
  return %0 : tensor<4x16xi32>
}

// Same element type: no casts.
// CHECK-LABEL: func.func @matmul_transpose_a_f32(
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP4]], #[[MAP2]], #[[MAP3]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-NEXT:    ^{{.*}}(%[[X:.+]]: f32, %[[Y:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT:      %[[P:.+]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT:      %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
func.func @matmul_transpose_a_f32(%a: tensor<5x3xf32>, %b: tensor<5x7xf32>, %c: tensor<3x7xf32>) -> tensor<3x7xf32> {
  %0 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
         ins(%a, %b : tensor<5x3xf32>, tensor<5x7xf32>) outs(%c : tensor<3x7xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// bf16 x bf16 -> f32: extf.
// CHECK-LABEL: func.func @batch_matmul_bf16_f32(
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP5]], #[[MAP6]], #[[MAP7]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-NEXT:    ^{{.*}}(%[[X:.+]]: bf16, %[[Y:.+]]: bf16, %[[ACC:.+]]: f32):
// CHECK-NEXT:      %[[XE:.+]] = arith.extf %[[X]] : bf16 to f32
// CHECK-NEXT:      %[[YE:.+]] = arith.extf %[[Y]] : bf16 to f32
// CHECK-NEXT:      %[[P:.+]] = arith.mulf %[[XE]], %[[YE]] : f32
// CHECK-NEXT:      %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
func.func @batch_matmul_bf16_f32(%a: tensor<2x4x8xbf16>, %b: tensor<2x8x16xbf16>, %c: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xbf16>, tensor<2x8x16xbf16>) outs(%c : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %0 : tensor<2x4x16xf32>
}

// CHECK-LABEL: func.func @matvec(
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP8]], #[[MAP9]], #[[MAP10]]]
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
func.func @matvec(%a: tensor<4x8xf32>, %x: tensor<8xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = linalg.matvec ins(%a, %x : tensor<4x8xf32>, tensor<8xf32>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @vecmat(
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP9]], #[[MAP11]], #[[MAP10]]]
// CHECK-SAME:      iterator_types = ["parallel", "reduction"]
func.func @vecmat(%x: tensor<4xf32>, %a: tensor<4x8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.vecmat ins(%x, %a : tensor<4xf32>, tensor<4x8xf32>) outs(%y : tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// CHECK-LABEL: func.func @batch_matvec(
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP12]], #[[MAP1]], #[[MAP3]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
func.func @batch_matvec(%a: tensor<2x4x8xf32>, %x: tensor<2x8xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = linalg.batch_matvec ins(%a, %x : tensor<2x4x8xf32>, tensor<2x8xf32>) outs(%y : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// f16 x f16 -> f32 dot: a 0-d accumulator, a single reduction loop.
// CHECK-LABEL: func.func @dot_f16_f32(
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP13]], #[[MAP13]], #[[MAP14]]]
// CHECK-SAME:      iterator_types = ["reduction"]
// CHECK-NEXT:    ^{{.*}}(%[[X:.+]]: f16, %[[Y:.+]]: f16, %[[ACC:.+]]: f32):
// CHECK-NEXT:      arith.extf %[[X]] : f16 to f32
// CHECK-NEXT:      arith.extf %[[Y]] : f16 to f32
func.func @dot_f16_f32(%a: tensor<8xf16>, %b: tensor<8xf16>, %c: tensor<f32>) -> tensor<f32> {
  %0 = linalg.dot ins(%a, %b : tensor<8xf16>, tensor<8xf16>) outs(%c : tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// mmt4d: loops (m, n, k, m0, n0, k0), the RHS transposed outer and inner.
// CHECK-LABEL: func.func @mmt4d_i8_i32(
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP15]], #[[MAP16]], #[[MAP17]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]
// CHECK-NEXT:    ^{{.*}}(%[[X:.+]]: i8, %[[Y:.+]]: i8, %[[ACC:.+]]: i32):
// CHECK-NEXT:      arith.extsi %[[X]] : i8 to i32
// CHECK-NEXT:      arith.extsi %[[Y]] : i8 to i32
// CHECK-NEXT:      arith.muli
// CHECK-NEXT:      arith.addi %[[ACC]]
func.func @mmt4d_i8_i32(%lhs: tensor<4x16x8x2xi8>, %rhs: tensor<6x16x4x2xi8>, %acc: tensor<4x6x8x4xi32>) -> tensor<4x6x8x4xi32> {
  %0 = linalg.mmt4d ins(%lhs, %rhs : tensor<4x16x8x2xi8>, tensor<6x16x4x2xi8>) outs(%acc : tensor<4x6x8x4xi32>) -> tensor<4x6x8x4xi32>
  return %0 : tensor<4x6x8x4xi32>
}

// batch_mmt4d: a leading batch loop on all three operands.
// CHECK-LABEL: func.func @batch_mmt4d(
// CHECK:         linalg.generic
// CHECK-SAME:      indexing_maps = [#[[MAP18]], #[[MAP19]], #[[MAP20]]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]
func.func @batch_mmt4d(%lhs: tensor<3x10x32x8x1xf32>, %rhs: tensor<3x80x32x4x1xf32>, %acc: tensor<3x10x80x8x4xf32>) -> tensor<3x10x80x8x4xf32> {
  %0 = linalg.batch_mmt4d ins(%lhs, %rhs : tensor<3x10x32x8x1xf32>, tensor<3x80x32x4x1xf32>) outs(%acc : tensor<3x10x80x8x4xf32>) -> tensor<3x10x80x8x4xf32>
  return %0 : tensor<3x10x80x8x4xf32>
}

// pack / unpack are not named structured ops: left alone.
// CHECK-LABEL: func.func @pack_left_alone(
// CHECK:         linalg.pack
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @pack_left_alone(%src: tensor<16xf32>, %dest: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<16xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
