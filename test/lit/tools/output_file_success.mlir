// A successful run writes -o (also onto its own input) and nothing to stdout.
// RUN: rm -rf %t && mkdir -p %t
// RUN: pack-opt %s -o %t/out.mlir | wc -c | filecheck %s --check-prefix=EMPTY
// RUN: filecheck %s --input-file %t/out.mlir
// RUN: cp %s %t/in.mlir
// RUN: pack-opt %t/in.mlir -o %t/in.mlir
// RUN: filecheck %s --input-file %t/in.mlir
// RUN: pack-opt %t/in.mlir | filecheck %s

// EMPTY: {{^ *0$}}
// CHECK: module {
// CHECK-LABEL: func.func @valid(
// CHECK: linalg.pack %{{[^ ]+}} inner_dims_pos = [0] inner_tiles = [8]
func.func @valid(%src: tensor<16x8xf32>, %dest: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<16x8xf32> -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}
