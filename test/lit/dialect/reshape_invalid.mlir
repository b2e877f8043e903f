// Upstream's verifier of expand_shape / collapse_shape rejects an empty
// reassociation group; so does ours (xDSL 0.74's accepts it).
// RUN: pack-opt %s --split-input-file --verify-diagnostics

func.func @expand(%a: tensor<32x1xf32>) -> tensor<16x1x1x2xf32> {
  // expected-error @+1 {{'tensor.expand_shape' op reassociation indices must not be empty}}
  %p = tensor.expand_shape %a [[0, 1, 2, 3], []] output_shape [16, 1, 1, 2] : tensor<32x1xf32> into tensor<16x1x1x2xf32>
  return %p : tensor<16x1x1x2xf32>
}

// -----

func.func @collapse(%a: tensor<16x1x1x2xf32>) -> tensor<32x1xf32> {
  // expected-error @+1 {{'tensor.collapse_shape' op reassociation indices must not be empty}}
  %c = tensor.collapse_shape %a [[0, 1, 2, 3], []] : tensor<16x1x1x2xf32> into tensor<32x1xf32>
  return %c : tensor<32x1xf32>
}
