// RUN: pack-opt %s --split-input-file | filecheck %s
// RUN: pack-opt %s --split-input-file -p 'canonicalize' | filecheck %s --check-prefix=DCE
// RUN: pack-opt %S/Inputs/arith-casts-invalid.mlir --split-input-file --print-diagnostics | filecheck %S/Inputs/arith-casts-invalid.mlir
// RUN: pack-opt %S/Inputs/arith-casts-invalid.mlir --split-input-file --verify-diagnostics

// Integer casts take vectors and tensors, as upstream's do.

// CHECK-LABEL: func.func @vector_casts
// CHECK:         arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK:         arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK:         arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// DCE-LABEL:   func.func @vector_casts
// DCE-NOT:       arith.extui
func.func @vector_casts(%v: vector<16xi8>) -> vector<16xi8> {
  %s = arith.extsi %v : vector<16xi8> to vector<16xi32>
  %unused = arith.extui %v : vector<16xi8> to vector<16xi32>
  %t = arith.trunci %s : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// CHECK-LABEL: func.func @tensor_and_scalar_casts
// DCE-LABEL:   func.func @tensor_and_scalar_casts
// CHECK:         arith.extsi %{{.*}} : tensor<4x8xi8> to tensor<4x8xi32>
// CHECK:         arith.extui %{{.*}} : i8 to i64
func.func @tensor_and_scalar_casts(%t: tensor<4x8xi8>, %s: i8) -> (tensor<4x8xi32>, i64) {
  %a = arith.extsi %t : tensor<4x8xi8> to tensor<4x8xi32>
  %b = arith.extui %s : i8 to i64
  return %a, %b : tensor<4x8xi32>, i64
}
