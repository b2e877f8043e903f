// RUN: pack-opt %s -t c | filecheck %s

// Vector values are GCC vector types; vector.fma is fused through the x86
// intrinsic when the vector is one register; loads and stores go through
// memcpy (no alignment assumption); accumulators are loop-carried locals.

// CHECK:       #include <immintrin.h>
// CHECK:       typedef float vec16_f32 __attribute__((vector_size(64)));
// CHECK-NEXT:  typedef float vec12_f32 __attribute__((vector_size(64)));
// CHECK:       static inline vec16_f32 pdh_fma_vec16_f32(vec16_f32 a, vec16_f32 b, vec16_f32 c) {
// CHECK-NEXT:  #if defined(__AVX512F__)
// CHECK-NEXT:    return (vec16_f32)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);

// CHECK-LABEL: void pd_kernel(float *restrict arg0, float *restrict arg1, float *restrict arg2) {
// CHECK:         vec16_f32 [[INIT:v[0-9]+]];
// CHECK-NEXT:    memcpy(&[[INIT]], arg2, 64);
// CHECK-NEXT:    vec16_f32 [[ACC:v[0-9]+]] = [[INIT]];
// CHECK-NEXT:    for (int64_t [[K:i[0-9]+]] = 0; [[K]] < 64; ++[[K]]) {
// CHECK-NEXT:      vec16_f32 [[B:v[0-9]+]];
// CHECK-NEXT:      memcpy(&[[B]], arg1 + [[K]] * 16, 64);
// CHECK-NEXT:      float [[A:v[0-9]+]] = arg0[[[K]]];
// CHECK-NEXT:      vec16_f32 [[AB:v[0-9]+]] = (vec16_f32){[[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]], [[A]]};
// CHECK-NEXT:      vec16_f32 [[N:v[0-9]+]] = pdh_fma_vec16_f32([[AB]], [[B]], [[ACC]]);
// CHECK-NEXT:      [[ACC]] = [[N]];
// CHECK-NEXT:    }
// CHECK-NEXT:    memcpy(arg2, &[[ACC]], 64);
func.func @kernel(%lhs: memref<64xf32>, %rhs: memref<64x16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %init = vector.load %out[%c0] : memref<16xf32>, vector<16xf32>
  %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (vector<16xf32>) {
    %b = vector.load %rhs[%k, %c0] : memref<64x16xf32>, vector<16xf32>
    %a = memref.load %lhs[%k] : memref<64xf32>
    %ab = vector.broadcast %a : f32 to vector<16xf32>
    %n = vector.fma %ab, %b, %acc : vector<16xf32>
    scf.yield %n : vector<16xf32>
  }
  vector.store %r, %out[%c0] : memref<16xf32>, vector<16xf32>
  func.return
}

// Lanes past a non-power-of-two length are padding: loads copy 12 lanes into
// a zeroed 16-lane vector; ops without an exact vector operator run lane-wise.

// CHECK-LABEL: void pd_padded(float *restrict arg0, float *restrict arg1) {
// CHECK:         vec12_f32 [[X:v[0-9]+]] = {0};
// CHECK-NEXT:    memcpy(&[[X]], arg0, 48);
// CHECK:         vec12_f32 [[M:v[0-9]+]] = {0};
// CHECK-NEXT:    for (int l = 0; l < 12; ++l) [[M]][l] = pdh_maximumf_f32([[X]][l], [[Y:v[0-9]+]][l]);
// CHECK:         float [[R:v[0-9]+]] = [[M]][0];
// CHECK-NEXT:    for (int l = 1; l < 12; ++l) [[R]] = ([[R]] + [[M]][l]);
func.func @padded(%a: memref<12xf32>, %o: memref<f32>) {
  %c0 = arith.constant 0 : index
  %x = vector.load %a[%c0] : memref<12xf32>, vector<12xf32>
  %z = arith.constant dense<0.0> : vector<12xf32>
  %m = arith.maximumf %x, %z : vector<12xf32>
  %s = vector.reduction <add>, %m : vector<12xf32> into f32
  memref.store %s, %o[] : memref<f32>
  func.return
}
