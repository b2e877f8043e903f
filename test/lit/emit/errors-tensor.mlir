// RUN: not pack-opt %s -t c 2>&1 | filecheck %s

// Tensors must be bufferized before emission.

// CHECK: error: unsupported type 'tensor<4xf32>' in the C emitter (bufferize tensors to memrefs first)
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  func.return %a : tensor<4xf32>
}
