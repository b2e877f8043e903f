// Affine expressions print as mlir-opt prints them (parentheses only where
// binding needs them, subtractions for negative terms), affine.apply/min/max
// put their operands right after the map, and linalg.transpose / broadcast /
// reduce space their operand lists like mlir-opt.
// RUN: pack-opt %s | filecheck %s
// RUN: pack-opt %s | pack-opt | filecheck %s
// RUN: pack-opt %s --mlir-print-local-scope | filecheck %s --check-prefix=LOCAL
// test/lit/with-mlir/printer.mlir checks upstream MLIR prints the same.

// CHECK-DAG: #[[$M0:map[0-9]*]] = affine_map<(d0, d1) -> (d0 * 8 + d1)>
// CHECK-DAG: #[[$M1:map[0-9]*]] = affine_map<()[s0] -> (-s0 + 8)>
// CHECK-DAG: #[[$M2:map[0-9]*]] = affine_map<()[s0] -> (s0 - 6)>
// CHECK-DAG: #[[$M3:map[0-9]*]] = affine_map<(d0) -> (d0 floordiv 4)>
// CHECK-DAG: #[[$M4:map[0-9]*]] = affine_map<(d0, d1) -> ((d0 + d1) mod 3)>
// CHECK-DAG: #[[$M5:map[0-9]*]] = affine_map<(d0, d1) -> (d0 - d1 * 2)>
// CHECK-DAG: #[[$M6:map[0-9]*]] = affine_map<(d0) -> (d0 * -2 + 1)>
// CHECK-DAG: #[[$M7:map[0-9]*]] = affine_map<(d0)[s0] -> (d0 ceildiv 8 + s0)>
// CHECK-DAG: #[[$M8:map[0-9]*]] = affine_map<(d0, d1) -> ((d0 floordiv 2) * 3 + d1 mod 5)>
// CHECK-DAG: #[[$M9:map[0-9]*]] = affine_map<(d0) -> (d0, 8)>

// CHECK-LABEL: func.func @affine
// CHECK-SAME:    (%[[I:[^:]+]]: index, %[[J:[^:]+]]: index, %[[S:[^:]+]]: index)
// CHECK:         affine.apply #[[$M0]](%[[I]], %[[J]])
// CHECK:         affine.apply #[[$M1]]()[%[[S]]]
// CHECK:         affine.apply #[[$M2]]()[%[[S]]]
// CHECK:         affine.apply #[[$M3]](%[[I]])
// CHECK:         affine.apply #[[$M4]](%[[I]], %[[J]])
// CHECK:         affine.apply #[[$M5]](%[[I]], %[[J]])
// CHECK:         affine.apply #[[$M6]](%[[I]])
// CHECK:         affine.apply #[[$M7]](%[[I]])[%[[S]]]
// CHECK:         affine.apply #[[$M8]](%[[I]], %[[J]])
// CHECK:         affine.min #[[$M9]](%[[I]])
// CHECK:         affine.max #[[$M9]](%[[J]])

// LOCAL: affine.apply affine_map<()[s0] -> (-s0 + 8)>()[%s]

func.func @affine(%i: index, %j: index, %s: index) -> (index, index, index, index, index, index, index, index, index, index, index) {
  %0 = affine.apply affine_map<(d0, d1) -> (d0 * 8 + d1)>(%i, %j)
  %1 = affine.apply affine_map<()[s0] -> (8 - s0)>()[%s]
  %2 = affine.apply affine_map<()[s0] -> (s0 - 6)>()[%s]
  %3 = affine.apply affine_map<(d0) -> (d0 floordiv 4)>(%i)
  %4 = affine.apply affine_map<(d0, d1) -> ((d0 + d1) mod 3)>(%i, %j)
  %5 = affine.apply affine_map<(d0, d1) -> (d0 - d1 * 2)>(%i, %j)
  %6 = affine.apply affine_map<(d0) -> (1 - 2 * d0)>(%i)
  %7 = affine.apply affine_map<(d0)[s0] -> (d0 ceildiv 8 + s0)>(%i)[%s]
  %8 = affine.apply affine_map<(d0, d1) -> ((d0 floordiv 2) * 3 + d1 mod 5)>(%i, %j)
  %9 = affine.min affine_map<(d0) -> (d0, 8)>(%i)
  %10 = affine.max affine_map<(d0) -> (d0, 8)>(%j)
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : index, index, index, index, index, index, index, index, index, index, index
}

// CHECK-LABEL: func.func @views
// CHECK-SAME:    (%[[A:[^:]+]]: tensor<4x8xf32>, %[[B:[^:]+]]: tensor<8x4xf32>, %[[C:[^:]+]]: tensor<4xf32>)
// CHECK:         linalg.transpose ins(%[[A]] : tensor<4x8xf32>) outs(%[[B]] : tensor<8x4xf32>) permutation = [1, 0]
// CHECK:         linalg.broadcast ins(%[[C]] : tensor<4xf32>) outs(%{{.+}} : tensor<4x8xf32>) dimensions = [1]
// CHECK:         linalg.reduce ins(%[[A]] : tensor<4x8xf32>) outs(%[[C]] : tensor<4xf32>) dimensions = [1]
// CHECK-NEXT:      (%[[X:[^:]+]]: f32, %[[Y:[^:]+]]: f32) {
// CHECK-NEXT:        %[[SUM:.+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT:        linalg.yield %[[SUM]] : f32
// CHECK-NEXT:      }
func.func @views(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4xf32>) -> (tensor<8x4xf32>, tensor<4x8xf32>, tensor<4xf32>) {
  %t = linalg.transpose ins(%a : tensor<4x8xf32>) outs(%b : tensor<8x4xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<4x8xf32>
  %bc = linalg.broadcast ins(%c : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %r = linalg.reduce ins(%a : tensor<4x8xf32>) outs(%c : tensor<4xf32>) dimensions = [1]
    (%x: f32, %y: f32) {
      %s = arith.addf %x, %y : f32
      linalg.yield %s : f32
    }
  return %t, %bc, %r : tensor<8x4xf32>, tensor<4x8xf32>, tensor<4xf32>
}
