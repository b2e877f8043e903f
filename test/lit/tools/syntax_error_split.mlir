// With --split-input-file the line is the line in the whole file; with
// --print-diagnostics every chunk is reported and the exit status is 0; with
// --verify-diagnostics every chunk's error matches its annotation.
// RUN: not pack-opt %s --split-input-file 2>&1 | filecheck %s --check-prefix=FIRST
// RUN: pack-opt %s --split-input-file --verify-diagnostics
// RUN: pack-opt %s --split-input-file --print-diagnostics | filecheck %s --check-prefix=ALL

// FIRST-NOT: Traceback
// FIRST: syntax_error_split.mlir:[[# @LINE + 6]]:62: error: Expected 'into'
// FIRST-NOT: error:
// expected-error @+4 {{Expected 'into'}}
// ALL: syntax_error_split.mlir:[[# @LINE + 3]]:62: error: Expected 'into'
// ALL: // -----
func.func @missing_into(%a: tensor<4xf32>, %d: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = linalg.pack %a inner_dims_pos = [0] inner_tiles = [4] %d : tensor<4xf32> -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// expected-error @+3 {{Expected integer literal}}
// ALL: syntax_error_split.mlir:[[# @LINE + 2]]:41: error: Expected integer literal
func.func @bad_inner_dims_pos(%a: tensor<4xf32>, %d: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = linalg.pack %a inner_dims_pos = [x] inner_tiles = [4] into %d : tensor<4xf32> -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// expected-error @+4 {{Expected '->'}}
// ALL: syntax_error_split.mlir:[[# @LINE + 3]]:3: error: Expected '->'
func.func @missing_dest_type(%a: tensor<4xf32>, %d: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = linalg.pack %a inner_dims_pos = [0] inner_tiles = [4] into %d : tensor<4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// expected-error @+3 {{operand is used with type tensor<1x?xf32>, but has been previously used or defined with type tensor<1x4xf32>}}
// ALL: syntax_error_split.mlir:[[# @LINE + 2]]:68: error: operand is used with type tensor<1x?xf32>, but has been previously used or defined with type tensor<1x4xf32>
func.func @type_mismatch(%a: tensor<4xf32>, %d: tensor<1x4xf32>, %t: index) -> tensor<1x4xf32> {
  %0 = linalg.pack %a inner_dims_pos = [0] inner_tiles = [%t] into %d : tensor<4xf32> -> tensor<1x?xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// expected-error @+3 {{expected 1 operand types but had 2}}
// ALL: syntax_error_split.mlir:[[# @LINE + 2]]:25: error: expected 1 operand types but had 2
func.func @matmul_types(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// expected-error @+3 {{expected an array of affine maps}}
// ALL: syntax_error_split.mlir:[[# @LINE + 2]]:40: error: expected an array of affine maps
func.func @matmul_maps(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul indexing_maps = 3 ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
// ALL-NOT: Traceback
