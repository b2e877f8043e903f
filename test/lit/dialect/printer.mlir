// pack-opt prints like mlir-opt: `module`, `return` and `call` inside
// func.func, affine maps through #map aliases in order of first use, i64
// elements of arrays without their type; and what it prints parses back.
// RUN: pack-opt %s | filecheck %s
// RUN: pack-opt %s | pack-opt | filecheck %s
// RUN: pack-opt %s --mlir-print-local-scope | filecheck %s --check-prefix=LOCAL
// RUN: pack-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// CHECK:      #map = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-NEXT: #map1 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-NEXT: module {
// CHECK-NEXT:   func.func @f(
// CHECK:          tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [2, 2, 8]
// CHECK:          linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel"]}
// CHECK:          %{{.*}} = call @g(%{{.*}}) : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK:          return %{{.*}}, %{{.*}} : tensor<2x2x8xf32>, tensor<8x4xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   func.func private @g(tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: }

// LOCAL-NOT:  #map
// LOCAL:      linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>]

// GENERIC:      "builtin.module"() ({
// GENERIC:        "func.return"

func.func @f(%a: tensor<4x8xf32>) -> (tensor<2x2x8xf32>, tensor<8x4xf32>) {
  %0 = tensor.expand_shape %a [[0, 1], [2]] output_shape [2, 2, 8] : tensor<4x8xf32> into tensor<2x2x8xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  } -> tensor<8x4xf32>
  %c = call @g(%a) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0, %1 : tensor<2x2x8xf32>, tensor<8x4xf32>
}
func.func private @g(tensor<4x8xf32>) -> tensor<4x8xf32>
