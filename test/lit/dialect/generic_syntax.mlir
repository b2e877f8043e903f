// linalg.generic as upstream writes it: the trait through an attribute alias,
// and several results (the max-with-index reduction torch-mlir exports).
// RUN: pack-opt %s | filecheck %s
// RUN: pack-opt %s | pack-opt | filecheck %s
// RUN: pack-opt %s --print-op-generic | pack-opt | filecheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#trait = {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
#argmax = {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]}

// CHECK-LABEL: func.func @trait_alias(
// CHECK:         linalg.generic {indexing_maps = [#[[ID:map[0-9]*]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(
func.func @trait_alias(%a: tensor<4x8xf32>, %o: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = linalg.generic #trait ins(%a : tensor<4x8xf32>) outs(%o : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @argmax(
// CHECK:         %[[M:.*]], %[[I:.*]] = linalg.generic
// CHECK:         } -> (tensor<4xf32>, tensor<4xi64>)
// CHECK:         return %[[M]], %[[I]] : tensor<4xf32>, tensor<4xi64>
func.func @argmax(%a: tensor<4x8xf32>, %m0: tensor<4xf32>, %i0: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xi64>) {
  %0:2 = linalg.generic #argmax ins(%a : tensor<4x8xf32>) outs(%m0, %i0 : tensor<4xf32>, tensor<4xi64>) {
  ^bb0(%x: f32, %m: f32, %i: i64):
    %j = linalg.index 1 : index
    %jj = arith.index_cast %j : index to i64
    %gt = arith.cmpf ogt, %x, %m : f32
    %nm = arith.select %gt, %x, %m : f32
    %ni = arith.select %gt, %jj, %i : i64
    linalg.yield %nm, %ni : f32, i64
  } -> (tensor<4xf32>, tensor<4xi64>)
  return %0#0, %0#1 : tensor<4xf32>, tensor<4xi64>
}
