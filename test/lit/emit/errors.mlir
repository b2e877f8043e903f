// RUN: not pack-opt %s -t c 2>&1 | filecheck %s

// Ops the emitter was not built for are errors naming the op.

// CHECK: error: unsupported operation 'linalg.fill' in the C emitter
func.func @f(%a: memref<4xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%a : memref<4xf32>)
  func.return
}
