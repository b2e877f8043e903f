// Inputs bufferize cannot handle are errors at the op, naming the problem.
// RUN: pack-opt %s --split-input-file --verify-diagnostics -p bufferize
// RUN: pack-opt %s --split-input-file --print-diagnostics -p bufferize | filecheck %s

// CHECK: bufferize-errors.mlir:[[# @LINE + 2]]:1: error: bufferize: only static shapes are supported, got tensor<?x4xf32>
// expected-error @+1 {{bufferize: only static shapes are supported, got tensor<?x4xf32>}}
func.func @dynamic(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %a : tensor<?x4xf32>
}

// -----

func.func @loop(%a: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // CHECK: bufferize-errors.mlir:[[# @LINE + 2]]:8: error: bufferize: 'scf.for' on tensors is not supported
  // expected-error @+1 {{bufferize: 'scf.for' on tensors is not supported}}
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %a) -> (tensor<4xf32>) {
    scf.yield %t : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @pad_by_position(%a: tensor<4xf32>) -> tensor<6xf32> {
  // CHECK: bufferize-errors.mlir:[[# @LINE + 2]]:8: error: bufferize: tensor.pad needs a padding value that does not depend on the position
  // expected-error @+1 {{tensor.pad needs a padding value that does not depend on the position}}
  %p = tensor.pad %a low[1] high[1] {
  ^bb0(%i: index):
    %v = arith.index_cast %i : index to i32
    %f = arith.sitofp %v : i32 to f32
    tensor.yield %f : f32
  } : tensor<4xf32> to tensor<6xf32>
  return %p : tensor<6xf32>
}

// -----

func.func @tensor_add(%a: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: bufferize-errors.mlir:[[# @LINE + 2]]:8: error: bufferize: 'arith.addf' on tensors is not supported
  // expected-error @+1 {{bufferize: 'arith.addf' on tensors is not supported}}
  %s = arith.addf %a, %a : tensor<4xf32>
  return %s : tensor<4xf32>
}
