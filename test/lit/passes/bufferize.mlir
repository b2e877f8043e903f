// RUN: pack-opt %s --split-input-file -p bufferize | filecheck %s

// Results become out-parameters; the init chain of the returned value is
// computed in place in the out-parameter: no alloc, no copy.

// CHECK-LABEL: func.func @matmul
// CHECK-SAME:    (%[[A:.+]]: memref<4x8xf32>, %[[B:.+]]: memref<8x16xf32>, %[[OUT:.+]]: memref<4x16xf32>)
// CHECK-SAME:    attributes {packdialect.outputs = 1 : i64}
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%[[OUT]] : memref<4x16xf32>)
// CHECK-NEXT:    linalg.matmul ins(%[[A]], %[[B]] : memref<4x8xf32>, memref<8x16xf32>) outs(%[[OUT]] : memref<4x16xf32>)
// CHECK-NEXT:    return{{$}}
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<4x16xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x16xf32>) -> tensor<4x16xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%fill : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// An init read later cannot be overwritten: the first op gets a buffer of its
// own. Both results end up in the out-parameters.

// CHECK-LABEL: func.func @two_results
// CHECK-SAME:    (%[[A:.+]]: memref<4x8xf32>, %[[C:.+]]: memref<4x8xf32>, %[[OUT0:.+]]: memref<4x8xf32>, %[[OUT1:.+]]: memref<4x8xf32>)
// CHECK-SAME:    packdialect.outputs = 2 : i64
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.add ins(%[[A]], %[[C]] : {{.*}}) outs(%[[OUT1]] : memref<4x8xf32>)
// CHECK-NEXT:    linalg.mul ins(%[[OUT1]], %[[OUT1]] : {{.*}}) outs(%[[OUT0]] : memref<4x8xf32>)
// CHECK-NEXT:    return
func.func @two_results(%a: tensor<4x8xf32>, %c: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %x = linalg.add ins(%a, %c : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.mul ins(%x, %x : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y, %x : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Arguments are read-only: an op whose init is an argument writes a fresh
// buffer, initialized by a copy only when the op reads its init (a matmul
// does, a transpose does not). Returning an argument copies it.

// CHECK-LABEL: func.func @read_only_args
// CHECK-SAME:    (%[[A:.+]]: memref<4x4xf32>, %[[C:.+]]: memref<4x4xf32>, %[[OUT0:.+]]: memref<4x4xf32>, %[[OUT1:.+]]: memref<4x4xf32>, %[[OUT2:.+]]: memref<4x4xf32>)
// CHECK:         "memref.copy"(%[[C]], %[[OUT0]])
// CHECK-NEXT:    linalg.matmul ins(%[[A]], %[[A]] : {{.*}}) outs(%[[OUT0]] : memref<4x4xf32>)
// CHECK-NEXT:    linalg.transpose ins(%[[A]] : memref<4x4xf32>) outs(%[[OUT1]] : memref<4x4xf32>) permutation = [1, 0]
// CHECK-NEXT:    "memref.copy"(%[[A]], %[[OUT2]])
// CHECK-NEXT:    return
func.func @read_only_args(%a: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %m = linalg.matmul ins(%a, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  %t = linalg.transpose ins(%a : tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) permutation = [1, 0]
  return %m, %t, %a : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Dense constants become private constant globals; a splat becomes an
// alloc filled once (writable, here the matmul accumulates in place into it).

// CHECK:       "memref.global"() <{sym_name = "__constant_2x2xf32", type = memref<2x2xf32>, initial_value = dense<{{.*}}> : tensor<2x2xf32>, sym_visibility = "private", constant, alignment = 64 : i64}>
// CHECK-LABEL: func.func @constants
// CHECK-SAME:    (%[[A:.+]]: memref<2x2xf32>, %[[OUT:.+]]: memref<2x2xf32>)
// CHECK:         %[[W:.+]] = memref.get_global @__constant_2x2xf32 : memref<2x2xf32>
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%[[OUT]] : memref<2x2xf32>)
// CHECK:         linalg.matmul ins(%[[A]], %[[W]] : {{.*}}) outs(%[[OUT]] : memref<2x2xf32>)
func.func @constants(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %z = arith.constant dense<0.0> : tensor<2x2xf32>
  %r = linalg.matmul ins(%a, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%z : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

// pack / unpack stay tensor ops between buffers, bracketed the upstream way,
// for lower-packs. The unpack producing the result writes straight into the
// out-parameter.

// CHECK-LABEL: func.func @relayout
// CHECK-SAME:    (%[[A:.+]]: memref<5x7xf32>, %[[OUT:.+]]: memref<5x7xf32>)
// CHECK:         %[[P:.+]] = memref.alloc() {alignment = 64 : i64} : memref<3x7x2x1xf32>
// CHECK:         %[[S:.+]] = bufferization.to_tensor %[[A]] restrict : memref<5x7xf32> to tensor<5x7xf32>
// CHECK-NEXT:    %[[D:.+]] = bufferization.to_tensor %[[P]] restrict writable : memref<3x7x2x1xf32> to tensor<3x7x2x1xf32>
// CHECK-NEXT:    %[[PK:.+]] = linalg.pack %[[S]] padding_value(%{{.*}} : f32) inner_dims_pos = [0, 1] inner_tiles = [2, 1] into %[[D]]
// CHECK-NEXT:    bufferization.materialize_in_destination %[[PK]] in restrict writable %[[P]]
// CHECK:         %[[UD:.+]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK-NEXT:    %[[U:.+]] = linalg.unpack %{{.*}} inner_dims_pos = [0, 1] inner_tiles = [2, 1] into %[[UD]]
// CHECK-NEXT:    bufferization.materialize_in_destination %[[U]] in restrict writable %[[OUT]]
// CHECK-NEXT:    memref.dealloc %[[P]] : memref<3x7x2x1xf32>
// CHECK-NEXT:    return
func.func @relayout(%a: tensor<5x7xf32>) -> tensor<5x7xf32> {
  %pad = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x7x2x1xf32>
  %p = linalg.pack %a padding_value(%pad : f32) inner_dims_pos = [0, 1] inner_tiles = [2, 1] into %e : tensor<5x7xf32> -> tensor<3x7x2x1xf32>
  %e2 = tensor.empty() : tensor<5x7xf32>
  %u = linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [2, 1] into %e2 : tensor<3x7x2x1xf32> -> tensor<5x7xf32>
  return %u : tensor<5x7xf32>
}

// -----

// Reshapes and slices are views; a pad is an alloc filled with the padding
// value plus a copy into a subview; views that are returned are copied.

// CHECK-LABEL: func.func @views
// CHECK-SAME:    (%[[A:.+]]: memref<6x8xf32>, %[[OUT0:.+]]: memref<2x3x8xf32>, %[[OUT1:.+]]: memref<2x4xf32>, %[[OUT2:.+]]: memref<8x9xf32>)
// CHECK:         %[[X:.+]] = memref.expand_shape %[[A]] {{\[}}[0, 1], [2]] output_shape [2, 3, 8] : memref<6x8xf32> into memref<2x3x8xf32>
// CHECK:         %[[S:.+]] = memref.subview %[[A]][1, 2] [2, 4] [1, 1] : memref<6x8xf32> to memref<2x4xf32, strided<[8, 1], offset: 10>>
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%[[OUT2]] : memref<8x9xf32>)
// CHECK-NEXT:    %[[W:.+]] = memref.subview %[[OUT2]][1, 0] [6, 8] [1, 1]
// CHECK-NEXT:    "memref.copy"(%[[A]], %[[W]])
// CHECK:         "memref.copy"(%[[X]], %[[OUT0]])
// CHECK-NEXT:    "memref.copy"(%[[S]], %[[OUT1]])
// CHECK-NEXT:    return
func.func @views(%a: tensor<6x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x4xf32>, tensor<8x9xf32>) {
  %x = tensor.expand_shape %a [[0, 1], [2]] output_shape [2, 3, 8] : tensor<6x8xf32> into tensor<2x3x8xf32>
  %s = tensor.extract_slice %a[1, 2] [2, 4] [1, 1] : tensor<6x8xf32> to tensor<2x4xf32>
  %cst = arith.constant 0.0 : f32
  %p = tensor.pad %a low[1, 0] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %cst : f32
  } : tensor<6x8xf32> to tensor<8x9xf32>
  return %x, %s, %p : tensor<2x3x8xf32>, tensor<2x4xf32>, tensor<8x9xf32>
}

// -----

// insert_slice writes in place into its destination; calls pass the
// callee's out-parameters.

// CHECK-LABEL: func.func private @callee(memref<4xf32>, memref<4xf32>)
// CHECK-SAME:    packdialect.outputs = 1 : i64
// CHECK-LABEL: func.func @caller
// CHECK-SAME:    (%[[A:.+]]: memref<4xf32>, %[[OUT:.+]]: memref<8xf32>)
// CHECK:         %[[R:.+]] = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
// CHECK-NEXT:    call @callee(%[[A]], %[[R]]) : (memref<4xf32>, memref<4xf32>) -> ()
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%[[OUT]] : memref<8xf32>)
// CHECK-NEXT:    %[[W:.+]] = memref.subview %[[OUT]][4] [4] [1]
// CHECK-NEXT:    "memref.copy"(%[[R]], %[[W]])
// CHECK-NEXT:    memref.dealloc %[[R]] : memref<4xf32>
func.func private @callee(tensor<4xf32>) -> tensor<4xf32>
func.func @caller(%a: tensor<4xf32>) -> tensor<8xf32> {
  %r = func.call @callee(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %i = tensor.insert_slice %r into %f[4] [4] [1] : tensor<4xf32> into tensor<8xf32>
  return %i : tensor<8xf32>
}

// -----

// Left alone: a function without tensors.

// CHECK-LABEL: func.func @already_buffers
// CHECK-SAME:    (%{{.+}}: memref<4xf32>)
// CHECK-NOT:     packdialect.outputs
// CHECK:         return
func.func @already_buffers(%a: memref<4xf32>) {
  return
}
