// A syntax error: `file:line:col: error: message` on stderr, a non-zero exit,
// no Python traceback, nothing on stdout.
// RUN: not pack-opt %s 2>&1 | filecheck %s
// RUN: not pack-opt %s 2>/dev/null | wc -c | filecheck %s --check-prefix=EMPTY
// EMPTY: {{^ *0$}}
// RUN: not pack-opt %s --split-input-file 2>&1 | filecheck %s

// CHECK-NOT: Traceback
// CHECK: syntax_error.mlir:[[# @LINE + 3]]:26: error: Expected ':'
// CHECK-NOT: Traceback
func.func @missing_colon(%a: i32) -> i32 {
  %0 = arith.addi %a, %a i32
  return %0 : i32
}
