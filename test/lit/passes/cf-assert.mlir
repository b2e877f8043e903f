// RUN: pack-opt %s -p 'cpu-pipeline{target=generic}' | filecheck %s --check-prefix=KEPT
// RUN: pack-opt %s -p 'pack-greedily,propagate-packs,canonicalize' | filecheck %s --check-prefix=TENSOR

// Passes keep the assert: in the generic's body on tensors, in the loops
// of the generic after lowering.
// TENSOR-LABEL: func.func @in_generic(
// TENSOR:         linalg.generic
// TENSOR:           cf.assert %{{.+}}, "x is zero"
// KEPT-LABEL: func.func @in_generic(
// KEPT:         scf.for
// KEPT:           cf.assert %{{.+}}, "x is zero"
#map = affine_map<(d0) -> (d0)>
func.func @in_generic(%x: tensor<8xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %ne = arith.cmpf one, %in, %zero : f32
    cf.assert %ne, "x is zero"
    linalg.yield %in : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}
