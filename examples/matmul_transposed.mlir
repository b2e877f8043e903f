// C = A^T * B^T written as a linalg.generic (the TT layout): A is KxM, B is NxK.
#a = affine_map<(m, n, k) -> (k, m)>
#b = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @matmul_tt(%a: tensor<40x24xf32>, %b: tensor<20x40xf32>) -> tensor<24x20xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<24x20xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<24x20xf32>) -> tensor<24x20xf32>
  %c = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<40x24xf32>, tensor<20x40xf32>) outs(%acc : tensor<24x20xf32>) {
  ^bb0(%x: f32, %y: f32, %s: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %s, %p : f32
    linalg.yield %r : f32
  } -> tensor<24x20xf32>
  return %c : tensor<24x20xf32>
}
