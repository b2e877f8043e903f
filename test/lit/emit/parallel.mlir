// RUN: pack-opt %s -t c | filecheck %s

// The outermost scf.parallel becomes an OpenMP worksharing loop (collapse for
// several dims); nested ones are plain loops. The module then exports
// packdialect_set_num_threads for the runtime's `threads` option.

// CHECK:       #include <omp.h>
// CHECK-LABEL: void pd_scale(float *restrict arg0, float *restrict arg1) {
// CHECK-NEXT:    #pragma omp parallel for collapse(2) schedule(static)
// CHECK-NEXT:    for (int64_t [[I:i[0-9]+]] = 0; [[I]] < 64; ++[[I]]) {
// CHECK-NEXT:      for (int64_t [[J:i[0-9]+]] = 0; [[J]] < 48; [[J]] += 16) {
// CHECK-NOT:         #pragma
// CHECK:             for (int64_t [[K:i[0-9]+]] = 0; [[K]] < 16; ++[[K]]) {
// CHECK:       void packdialect_set_num_threads(int n) {
func.func @scale(%a: memref<64x48xf32>, %o: memref<64x48xf32>) attributes {packdialect.outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c48 = arith.constant 48 : index
  %c64 = arith.constant 64 : index
  %two = arith.constant 2.0 : f32
  "scf.parallel"(%c0, %c0, %c64, %c48, %c1, %c16) <{operandSegmentSizes = array<i32: 2, 2, 2, 0>}> ({
  ^bb0(%i: index, %j: index):
    "scf.parallel"(%c0, %c16, %c1) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> ({
    ^bb1(%k: index):
      %jk = arith.addi %j, %k : index
      %x = memref.load %a[%i, %jk] : memref<64x48xf32>
      %y = arith.mulf %x, %two : f32
      memref.store %y, %o[%i, %jk] : memref<64x48xf32>
      scf.reduce
    }) : (index, index, index) -> ()
    scf.reduce
  }) : (index, index, index, index, index, index) -> ()
  func.return
}
