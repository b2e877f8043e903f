// RUN: pack-opt %s -t c | filecheck %s

// Element types: f16 is _Float16, bf16 raw uint16_t bits (arithmetic in float,
// rounded to nearest even), i1 bool, index int64_t; signless integer
// arithmetic wraps through unsigned types, signed ops use the signed type.

// CHECK-LABEL: void pd_types(_Float16 *restrict arg0, uint16_t *restrict arg1, bool *restrict arg2, int8_t *restrict arg3, int64_t *restrict arg4) {
// CHECK:         _Float16 [[H:v[0-9]+]] = arg0[0];
// CHECK-NEXT:    _Float16 [[H2:v[0-9]+]] = ([[H]] * [[H]]);
// CHECK:         uint16_t [[B:v[0-9]+]] = arg1[0];
// CHECK-NEXT:    uint16_t [[B2:v[0-9]+]] = pdh_f32_to_bf16(pdh_bf16_to_f32([[B]]) + pdh_bf16_to_f32([[B]]));
// CHECK:         bool [[P:v[0-9]+]] = arg2[0];
// CHECK:         int8_t [[X:v[0-9]+]] = arg3[0];
// CHECK-NEXT:    int8_t [[S:v[0-9]+]] = (int8_t)((uint32_t)[[X]] * (uint32_t)[[X]]);
// CHECK-NEXT:    int8_t [[D:v[0-9]+]] = (int8_t)([[S]] / [[X]]);
// CHECK-NEXT:    int8_t [[U:v[0-9]+]] = (int8_t)((uint8_t)[[D]] >> (uint8_t)[[X]]);
// CHECK-NEXT:    int8_t [[SEL:v[0-9]+]] = ([[P]] ? [[U]] : [[X]]);
// CHECK:         int64_t [[I:v[0-9]+]] = (int64_t)[[SEL]];
// CHECK-NEXT:    arg4[0] = [[I]];
func.func @types(%h: memref<f16>, %b: memref<bf16>, %p: memref<i1>, %i8: memref<i8>, %idx: memref<index>) {
  %hv = memref.load %h[] : memref<f16>
  %h2 = arith.mulf %hv, %hv : f16
  memref.store %h2, %h[] : memref<f16>
  %bv = memref.load %b[] : memref<bf16>
  %b2 = arith.addf %bv, %bv : bf16
  memref.store %b2, %b[] : memref<bf16>
  %pv = memref.load %p[] : memref<i1>
  %x = memref.load %i8[] : memref<i8>
  %s = arith.muli %x, %x : i8
  %d = arith.divsi %s, %x : i8
  %u = arith.shrui %d, %x : i8
  %sel = arith.select %pv, %u, %x : i8
  memref.store %sel, %i8[] : memref<i8>
  %i = arith.index_cast %sel : i8 to index
  memref.store %i, %idx[] : memref<index>
  func.return
}
