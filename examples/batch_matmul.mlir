// A batch of f32 matmuls.
func.func @batch_matmul(%a: tensor<4x32x24xf32>, %b: tensor<4x24x16xf32>) -> tensor<4x32x16xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<4x32x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<4x32x16xf32>) -> tensor<4x32x16xf32>
  %c = linalg.batch_matmul ins(%a, %b : tensor<4x32x24xf32>, tensor<4x24x16xf32>)
                           outs(%acc : tensor<4x32x16xf32>) -> tensor<4x32x16xf32>
  return %c : tensor<4x32x16xf32>
}
