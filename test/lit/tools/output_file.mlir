// -o onto the input file: a failing run leaves the input intact, a successful
// run replaces it with the output. Errors writing -o are reported.
// RUN: rm -rf %t && mkdir -p %t
// RUN: cp %s %t/in.mlir
// RUN: not pack-opt %t/in.mlir -o %t/in.mlir 2>&1 | filecheck %s --check-prefix=VERIFY
// RUN: diff %s %t/in.mlir
// RUN: not pack-opt %t/in.mlir -p no-such-pass -o %t/in.mlir
// RUN: diff %s %t/in.mlir
// RUN: not pack-opt %t/in.mlir -p 'canonicalize{' -o %t/in.mlir
// RUN: diff %s %t/in.mlir
// A failing run does not create or touch another -o file either.
// RUN: not pack-opt %s -o %t/out.mlir
// RUN: not ls %t/out.mlir
// RUN: not pack-opt %s -o %t/no-such-dir/out.mlir 2>&1 | filecheck %s --check-prefix=NODIR
// Only temporary files of pack-opt's own would appear here.
// RUN: ls %t | filecheck %s --check-prefix=LS

// VERIFY-NOT: Traceback
// NODIR-NOT: Traceback
// NODIR: error:
// NODIR-NOT: Traceback
// LS-NOT: tmp
// LS: in.mlir
// LS-NOT: tmp
func.func @invalid(%src: tensor<13x8xf32>, %dest: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  // VERIFY: in.mlir:[[# @LINE + 1]]:8: error: 'linalg.pack' op invalid tile factor
  %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<13x8xf32> -> tensor<2x8x8xf32>
  return %0 : tensor<2x8x8xf32>
}
