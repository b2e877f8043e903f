// tensor.pad verifies as upstream: a static result size where the padding is
// dynamic is allowed (upstream's pack decomposition prints such pads); a
// static size must be the sum of source and padding.
// RUN: pack-opt %s --split-input-file --verify-diagnostics | filecheck %s
// test/lit/with-mlir/pad.mlir runs the same file through upstream MLIR.

// CHECK-LABEL: func.func @static_result_dynamic_high
// CHECK:         tensor.pad %{{.+}} low[0, 0] high[%{{.+}}, 1]
// CHECK:         } : tensor<?x1xf32> to tensor<8x2xf32>
func.func @static_result_dynamic_high(%a: tensor<?x1xf32>, %h: index, %v: f32) -> tensor<8x2xf32> {
  %p = tensor.pad %a low[0, 0] high[%h, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<?x1xf32> to tensor<8x2xf32>
  return %p : tensor<8x2xf32>
}

// -----

func.func @wrong_static_size(%a: tensor<5x1xf32>, %v: f32) -> tensor<9x2xf32> {
  // expected-error @+1 {{does not match the inferred type}}
  %p = tensor.pad %a low[0, 0] high[3, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<5x1xf32> to tensor<9x2xf32>
  return %p : tensor<9x2xf32>
}

// -----

func.func @wrong_rank(%a: tensor<5x1xf32>, %v: f32) -> tensor<8xf32> {
  // expected-error @+1 {{does not match the inferred type}}
  %p = tensor.pad %a low[0, 0] high[3, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<5x1xf32> to tensor<8xf32>
  return %p : tensor<8xf32>
}
