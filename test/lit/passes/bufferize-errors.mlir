// Inputs bufferize cannot handle are errors that name the problem.
// RUN: pack-opt %s --split-input-file --verify-diagnostics -p bufferize | filecheck %s

// CHECK: error: bufferize: only static shapes are supported, got tensor<?x4xf32>
func.func @dynamic(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %a : tensor<?x4xf32>
}

// -----

// CHECK: error: bufferize: 'scf.for' on tensors is not supported
func.func @loop(%a: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %a) -> (tensor<4xf32>) {
    scf.yield %t : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// CHECK: error: bufferize: tensor.pad needs a padding value that does not depend on the position
func.func @pad_by_position(%a: tensor<4xf32>) -> tensor<6xf32> {
  %p = tensor.pad %a low[1] high[1] {
  ^bb0(%i: index):
    %v = arith.index_cast %i : index to i32
    %f = arith.sitofp %v : i32 to f32
    tensor.yield %f : f32
  } : tensor<4xf32> to tensor<6xf32>
  return %p : tensor<6xf32>
}
