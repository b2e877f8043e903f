// An unknown op (custom or generic form) is reported at its name.
// RUN: not pack-opt %s --split-input-file 2>&1 | filecheck %s --check-prefix=FIRST
// RUN: pack-opt %s --split-input-file --verify-diagnostics
// RUN: pack-opt %s --split-input-file --print-diagnostics | filecheck %s

// FIRST-NOT: Traceback
// FIRST: unknown_op.mlir:[[# @LINE + 5]]:8: error: Operation linalg.frob is not registered
// FIRST-NOT: error:
func.func @custom_form(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{Operation linalg.frob is not registered}}
  // CHECK: unknown_op.mlir:[[# @LINE + 1]]:8: error: Operation linalg.frob is not registered
  %0 = linalg.frob %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @generic_form() {
  // expected-error @+2 {{Operation foo.bar is not registered}}
  // CHECK: unknown_op.mlir:[[# @LINE + 1]]:3: error: Operation foo.bar is not registered
  "foo.bar"() : () -> ()
  return
}

// -----

// An unknown dialect prefix too.
func.func @unknown_dialect(%a: i32) -> i32 {
  // expected-error @+2 {{Operation nosuchdialect.op is not registered}}
  // CHECK: unknown_op.mlir:[[# @LINE + 1]]:8: error: Operation nosuchdialect.op is not registered
  %0 = nosuchdialect.op %a : i32
  return %0 : i32
}
// CHECK-NOT: Traceback
