// RUN: pack-opt %s -t c | filecheck %s

// Constant globals become aligned static arrays (splats as GNU ranges).
// CHECK: static const float pdg_weights[6] __attribute__((aligned(64), unused)) = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, (-6.5f)};
// CHECK: static const int32_t pdg_splat[1024] __attribute__((aligned(64), unused)) = {[0 ... 1023] = 7};
// CHECK: static float pdg_scratch[16] __attribute__((aligned(64), unused));
"memref.global"() <{sym_name = "weights", sym_visibility = "private", type = memref<2x3xf32>, initial_value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, -6.5]]> : tensor<2x3xf32>, constant}> : () -> ()
"memref.global"() <{sym_name = "splat", sym_visibility = "private", type = memref<1024xi32>, initial_value = dense<7> : tensor<1024xi32>, constant}> : () -> ()
"memref.global"() <{sym_name = "scratch", sym_visibility = "private", type = memref<16xf32>, initial_value}> : () -> ()

// Dynamic sizes follow their pointer; a subview offsets the pointer and keeps
// the parent's strides; alloc is 64-byte aligned and freed by dealloc.

// CHECK-LABEL: void pd_views(float *restrict arg0, int64_t arg0_d0, int64_t arg1, float *restrict arg2) {
// CHECK:         float *[[SUB:v[0-9]+]] = arg0 + arg1 * 8 + 2;
// CHECK:         float *[[BUF:v[0-9]+]] = pdh_alloc(64, 16);
// CHECK:         float [[X:v[0-9]+]] = [[SUB]][18];
// CHECK:         [[BUF]][3] = [[X]];
// CHECK:         float [[W:v[0-9]+]] = ((float *)pdg_weights)[5];
// CHECK:         memcpy(arg2, [[BUF]], 16);
// CHECK:         free([[BUF]]);
func.func @views(%a: memref<?x8xf32>, %i: index, %o: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %s = memref.subview %a[%i, 2] [2, 4] [2, 1] : memref<?x8xf32> to memref<2x4xf32, strided<[16, 1], offset: ?>>
  %buf = memref.alloc() : memref<4xf32>
  %x = memref.load %s[%c1, %c2] : memref<2x4xf32, strided<[16, 1], offset: ?>>
  memref.store %x, %buf[%c3] : memref<4xf32>
  %g = memref.get_global @weights : memref<2x3xf32>
  %w = memref.load %g[%c1, %c2] : memref<2x3xf32>
  memref.store %w, %buf[%c0] : memref<4xf32>
  "memref.copy"(%buf, %o) : (memref<4xf32>, memref<4xf32>) -> ()
  memref.dealloc %buf : memref<4xf32>
  func.return
}

// collapse_shape / expand_shape only reinterpret the pointer; memref.dim of a
// dynamic size reads the size parameter.

// CHECK-LABEL: void pd_reshape(float *restrict arg0, int64_t arg0_d0, float *restrict arg1) {
// CHECK:         int64_t [[N:v[0-9]+]] = arg0_d0;
// CHECK-NEXT:    int64_t [[K:v[0-9]+]] = [[N]] * 4 + 3;
// CHECK-NEXT:    float [[Y:v[0-9]+]] = arg0[[[K]]];
// CHECK-NEXT:    arg1[16] = [[Y]];
func.func @reshape(%a: memref<?x4xf32>, %o: memref<6x5xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %n = memref.dim %a, %c0 : memref<?x4xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<?x4xf32> into memref<?xf32>
  %e = memref.expand_shape %o [[0, 1], [2]] output_shape [2, 3, 5] : memref<6x5xf32> into memref<2x3x5xf32>
  %k = affine.apply affine_map<(d0) -> (d0 * 4 + 3)>(%n)
  %y = memref.load %flat[%k] : memref<?xf32>
  memref.store %y, %e[%c0, %c3, %c1] : memref<2x3x5xf32>
  func.return
}

// A large alloc freed in its own block is a scratch buffer cached across
// calls (one per alloc site and thread: no malloc or page faults after the
// first call); a small one stays malloc/free.

// CHECK-LABEL: void pd_cached(float *restrict arg0) {
// CHECK:         static _Thread_local pdh_scratch_t [[SLOT:pds[0-9]+]];
// CHECK-NEXT:    float *[[BIG:v[0-9]+]] = pdh_scratch(&[[SLOT]], 64, 65536);
// CHECK:         float *[[SMALL:v[0-9]+]] = pdh_alloc(64, 64);
// CHECK:         free([[SMALL]]);
// CHECK-NEXT:    pdh_scratch_release(&[[SLOT]], [[BIG]]);
func.func @cached(%o: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %big = memref.alloc() : memref<16384xf32>
  %small = memref.alloc() : memref<16xf32>
  %x = memref.load %big[%c0] : memref<16384xf32>
  memref.store %x, %small[%c0] : memref<16xf32>
  "memref.copy"(%small, %o) : (memref<16xf32>, memref<16xf32>) -> ()
  memref.dealloc %small : memref<16xf32>
  memref.dealloc %big : memref<16384xf32>
  func.return
}
