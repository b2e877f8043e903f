// Invalid integer casts (checked by arith-casts.mlir).

// CHECK: error: 'arith.extsi' op result type must be wider than operand type
func.func @narrowing_ext(%v: vector<4xi32>) {
  %0 = arith.extsi %v : vector<4xi32> to vector<4xi8>
  return
}

// -----

// CHECK: error: 'arith.extui' op requires the same shape for all operands and results
func.func @shape_mismatch(%v: vector<4xi8>) {
  %0 = arith.extui %v : vector<4xi8> to vector<8xi32>
  return
}

// -----

// CHECK: error: 'arith.trunci' op result type must be narrower than operand type
func.func @widening_trunc(%v: i8) {
  %0 = arith.trunci %v : i8 to i32
  return
}

// -----

// CHECK: error: 'arith.extsi' op operand and result must be signless-integer-like
func.func @float_ext(%v: f32) {
  %0 = arith.extsi %v : f32 to i32
  return
}
