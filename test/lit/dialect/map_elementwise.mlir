// linalg.map and linalg.elementwise in upstream's syntax: the short and the
// long form of map, every form of elementwise; printed back the same, in
// custom and generic form; generalized to linalg.generic.
// RUN: pack-opt %s | filecheck %s
// RUN: pack-opt %s | pack-opt | filecheck %s
// RUN: pack-opt %s --print-op-generic | pack-opt | filecheck %s
// RUN: pack-opt %s -p linalg-generalize-named-ops | filecheck %s --check-prefix=GEN

// CHECK-LABEL: func.func @map_short(
// CHECK:         linalg.map { arith.addf } ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xf32>)
// GEN-LABEL:   func.func @map_short(
// GEN:           linalg.generic {indexing_maps = [#[[ID:map[0-9]*]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// GEN:             arith.addf
func.func @map_short(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>, %o: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = linalg.map { arith.addf } ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%o : tensor<4x8xf32>)
  return %0 : tensor<4x8xf32>
}

// The long form prints short when its body is one op on the inputs.
// CHECK-LABEL: func.func @map_long(
// CHECK:         linalg.map { arith.mulf } ins
// CHECK:         linalg.map ins(%{{.*}} : tensor<4xf32>) outs(%{{.*}} : tensor<4xf32>) (%[[X:.*]]: f32, %{{.*}}: f32) {
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[X]] : f32
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[E]], %[[X]] : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
func.func @map_long(%a: tensor<4xf32>, %o: tensor<4xf32>) -> tensor<4xf32> {
  %0 = linalg.map ins(%a, %a : tensor<4xf32>, tensor<4xf32>) outs(%o : tensor<4xf32>)
    (%x: f32, %y: f32, %z: f32) {
      %m = arith.mulf %x, %y : f32
      linalg.yield %m : f32
    }
  %1 = linalg.map ins(%0 : tensor<4xf32>) outs(%o : tensor<4xf32>)
    (%x: f32, %z: f32) {
      %e = math.exp %x : f32
      %s = arith.addf %e, %x : f32
      linalg.yield %s : f32
    }
  return %1 : tensor<4xf32>
}

// CHECK-LABEL: func.func @elementwise(
// CHECK:         linalg.elementwise <exp> ins(%{{.*}} : tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK:         linalg.elementwise <add> indexing_maps = [#[[I:map[0-9]*]], #[[R:map[0-9]*]], #[[I]]] ins
// CHECK:         linalg.elementwise <select> ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xi1>, tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK:         linalg.elementwise <max_unsigned> ins(%{{.*}}, %{{.*}} : tensor<4xi32>, tensor<4xi32>)
// GEN-LABEL:   func.func @elementwise(
// GEN:           math.exp
// GEN:           arith.addf
// GEN:           arith.select
// GEN:           arith.maxui
func.func @elementwise(%a: tensor<4x8xf32>, %o: tensor<4x8xf32>, %c: tensor<8xf32>, %s: tensor<4x8xi1>, %i: tensor<4xi32>, %io: tensor<4xi32>) -> (tensor<4x8xf32>, tensor<4xi32>) {
  %0 = linalg.elementwise <exp> ins(%a : tensor<4x8xf32>) outs(%o : tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = linalg.elementwise <add> indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>] ins(%0, %c : tensor<4x8xf32>, tensor<8xf32>) outs(%o : tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = linalg.elementwise <select> ins(%s, %1, %a : tensor<4x8xi1>, tensor<4x8xf32>, tensor<4x8xf32>) outs(%o : tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = linalg.elementwise <max_unsigned> ins(%i, %i : tensor<4xi32>, tensor<4xi32>) outs(%io : tensor<4xi32>) -> tensor<4xi32>
  return %2, %3 : tensor<4x8xf32>, tensor<4xi32>
}
