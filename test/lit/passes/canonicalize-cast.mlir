// RUN: pack-opt %s --split-input-file -p canonicalize | filecheck %s
// test/lit/with-mlir/canonicalize-cast.mlir checks upstream's canonicalize
// against these CHECK lines.

// A cast to its own type folds away.
// CHECK-LABEL: func.func @no_op
// CHECK-SAME:    (%[[A:[^:]+]]: tensor<4x8xf32>)
// CHECK-NEXT:    return %[[A]]
func.func @no_op(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = tensor.cast %a : tensor<4x8xf32> to tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}

// -----

// Erasing then restoring a size: nothing left.
// CHECK-LABEL: func.func @chain_back
// CHECK-SAME:    (%[[A:[^:]+]]: tensor<4x8xf32>)
// CHECK-NEXT:    return %[[A]]
func.func @chain_back(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = tensor.cast %a : tensor<4x8xf32> to tensor<?x8xf32>
  %d = tensor.cast %c : tensor<?x8xf32> to tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// Two casts become one when the middle type checks nothing more.
// CHECK-LABEL: func.func @chain_one
// CHECK-SAME:    (%[[A:[^:]+]]: tensor<?x?xf32>)
// CHECK-NEXT:    %[[C:.+]] = tensor.cast %[[A]] : tensor<?x?xf32> to tensor<4x8xf32>
// CHECK-NEXT:    return %[[C]]
func.func @chain_one(%a: tensor<?x?xf32>) -> tensor<4x8xf32> {
  %c = tensor.cast %a : tensor<?x?xf32> to tensor<?x8xf32>
  %d = tensor.cast %c : tensor<?x8xf32> to tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// Kept: the middle type checks a size (4) that the ends do not.
// CHECK-LABEL: func.func @chain_kept
// CHECK:         tensor.cast %{{.+}} : tensor<?x?xf32> to tensor<4x?xf32>
// CHECK-NEXT:    tensor.cast %{{.+}} : tensor<4x?xf32> to tensor<?x8xf32>
func.func @chain_kept(%a: tensor<?x?xf32>) -> tensor<?x8xf32> {
  %c = tensor.cast %a : tensor<?x?xf32> to tensor<4x?xf32>
  %d = tensor.cast %c : tensor<4x?xf32> to tensor<?x8xf32>
  return %d : tensor<?x8xf32>
}
