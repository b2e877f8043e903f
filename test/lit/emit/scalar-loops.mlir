// RUN: pack-opt %s -t c | filecheck %s

// A scalar loop nest on memrefs: public functions are exported with restrict
// pointers, indices are linearized with the static strides, and a loop-carried
// value is a C local reassigned at the end of the loop body.

// CHECK:      void pd_matmul(float *restrict arg0, float *restrict arg1, float *restrict arg2);
// CHECK-LABEL: void pd_matmul(float *restrict arg0, float *restrict arg1, float *restrict arg2) {
// CHECK-NEXT:   for (int64_t [[I:i[0-9]+]] = 0; [[I]] < 37; ++[[I]]) {
// CHECK-NEXT:     for (int64_t [[J:i[0-9]+]] = 0; [[J]] < 53; ++[[J]]) {
// CHECK-NEXT:       float [[ACC:v[0-9]+]] = 0.0f;
// CHECK-NEXT:       for (int64_t [[K:i[0-9]+]] = 0; [[K]] < 29; ++[[K]]) {
// CHECK-NEXT:         float [[A:v[0-9]+]] = arg0[[[I]] * 29 + [[K]]];
// CHECK-NEXT:         float [[B:v[0-9]+]] = arg1[[[K]] * 53 + [[J]]];
// CHECK-NEXT:         float [[P:v[0-9]+]] = ([[A]] * [[B]]);
// CHECK-NEXT:         float [[S:v[0-9]+]] = ([[ACC]] + [[P]]);
// CHECK-NEXT:         [[ACC]] = [[S]];
// CHECK-NEXT:       }
// CHECK-NEXT:       arg2[[[I]] * 53 + [[J]]] = [[ACC]];
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: }
func.func @matmul(%A: memref<37x29xf32>, %B: memref<29x53xf32>, %C: memref<37x53xf32>)
    attributes {packdialect.outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c37 = arith.constant 37 : index
  %c29 = arith.constant 29 : index
  %c53 = arith.constant 53 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c37 step %c1 {
    scf.for %j = %c0 to %c53 step %c1 {
      %acc = scf.for %k = %c0 to %c29 step %c1 iter_args(%s = %zero) -> (f32) {
        %a = memref.load %A[%i, %k] : memref<37x29xf32>
        %b = memref.load %B[%k, %j] : memref<29x53xf32>
        %p = arith.mulf %a, %b : f32
        %n = arith.addf %s, %p : f32
        scf.yield %n : f32
      }
      memref.store %acc, %C[%i, %j] : memref<37x53xf32>
    }
  }
  func.return
}

// Private functions are static; scalars pass by value; scf.if with a result
// declares the variable before the branches.

// CHECK-LABEL: __attribute__((unused)) static int32_t pd_select_abs(int32_t arg0) {
// CHECK:         int32_t [[R:v[0-9]+]];
// CHECK-NEXT:    if ([[C:v[0-9]+]]) {
// CHECK-NEXT:      int32_t [[N:v[0-9]+]] = (int32_t)((uint32_t)0 - (uint32_t)arg0);
// CHECK-NEXT:      [[R]] = [[N]];
// CHECK-NEXT:    } else {
// CHECK-NEXT:      [[R]] = arg0;
// CHECK-NEXT:    }
// CHECK-NEXT:    return [[R]];
func.func private @select_abs(%x: i32) -> i32 {
  %c0 = arith.constant 0 : i32
  %neg = arith.cmpi slt, %x, %c0 : i32
  %r = scf.if %neg -> (i32) {
    %n = arith.subi %c0, %x : i32
    scf.yield %n : i32
  } else {
    scf.yield %x : i32
  }
  func.return %r : i32
}
