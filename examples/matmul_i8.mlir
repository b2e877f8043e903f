// A quantized contraction: i8 x i8 accumulated in i32 with sign extension.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @matmul_i8(%a: tensor<32x64xi8>, %b: tensor<64x16xi8>) -> tensor<32x16xi32> {
  %zero = arith.constant 0 : i32
  %init = tensor.empty() : tensor<32x16xi32>
  %acc = linalg.fill ins(%zero : i32) outs(%init : tensor<32x16xi32>) -> tensor<32x16xi32>
  %c = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<32x64xi8>, tensor<64x16xi8>) outs(%acc : tensor<32x16xi32>) {
  ^bb0(%x: i8, %y: i8, %s: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %p = arith.muli %xe, %ye : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  } -> tensor<32x16xi32>
  return %c : tensor<32x16xi32>
}
