// Invalid integer casts (checked by arith-casts.mlir).

func.func @narrowing_ext(%v: vector<4xi32>) {
  // CHECK: arith-casts-invalid.mlir:[[# @LINE + 2]]:8: error: 'arith.extsi' op result type must be wider than operand type
  // expected-error @+1 {{'arith.extsi' op result type must be wider than operand type}}
  %0 = arith.extsi %v : vector<4xi32> to vector<4xi8>
  return
}

// -----

func.func @shape_mismatch(%v: vector<4xi8>) {
  // CHECK: arith-casts-invalid.mlir:[[# @LINE + 2]]:8: error: 'arith.extui' op requires the same shape for all operands and results
  // expected-error @+1 {{'arith.extui' op requires the same shape for all operands and results}}
  %0 = arith.extui %v : vector<4xi8> to vector<8xi32>
  return
}

// -----

func.func @widening_trunc(%v: i8) {
  // CHECK: arith-casts-invalid.mlir:[[# @LINE + 2]]:8: error: 'arith.trunci' op result type must be narrower than operand type
  // expected-error @+1 {{'arith.trunci' op result type must be narrower than operand type}}
  %0 = arith.trunci %v : i8 to i32
  return
}

// -----

func.func @float_ext(%v: f32) {
  // CHECK: arith-casts-invalid.mlir:[[# @LINE + 2]]:8: error: 'arith.extsi' op operand and result must be signless-integer-like
  // expected-error @+1 {{'arith.extsi' op operand and result must be signless-integer-like}}
  %0 = arith.extsi %v : f32 to i32
  return
}
