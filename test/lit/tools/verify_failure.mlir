// A verifier failure without --verify-diagnostics: `file:line:col: error:` at
// the failing op (its name, as MLIR reports it), a non-zero exit, no output.
// RUN: not pack-opt %s 2>&1 | filecheck %s
// RUN: not pack-opt %s 2>/dev/null | wc -c | filecheck %s --check-prefix=EMPTY
// RUN: not pack-opt %s -p linalg-generalize-named-ops 2>&1 | filecheck %s
// RUN: not pack-opt < %s 2>&1 | filecheck %s --check-prefix=STDIN

// EMPTY: {{^ *0$}}
// CHECK-NOT: Traceback
func.func @nested(%src: tensor<13x8xf32>, %dest: tensor<2x8x8xf32>, %c: i1) -> tensor<2x8x8xf32> {
  %r = scf.if %c -> (tensor<2x8x8xf32>) {
    // CHECK: verify_failure.mlir:[[# @LINE + 2]]:10: error: 'linalg.pack' op invalid tile factor or output size provided. Only full tiles are supported when padding_value is not set
    // STDIN: <stdin>:[[# @LINE + 1]]:10: error: 'linalg.pack' op invalid tile factor
    %0 = linalg.pack %src inner_dims_pos = [0] inner_tiles = [8] into %dest : tensor<13x8xf32> -> tensor<2x8x8xf32>
    scf.yield %0 : tensor<2x8x8xf32>
  } else {
    scf.yield %dest : tensor<2x8x8xf32>
  }
  return %r : tensor<2x8x8xf32>
}
// CHECK-NOT: error:
// CHECK-NOT: Traceback
