// `report=true` says per op what was vectorized or why not; bad options are errors.
// RUN: pack-opt %s -p 'vectorize-mmt4d{target=avx512 report=true}' 2>&1 >/dev/null | filecheck %s
// RUN: not pack-opt %s -p 'vectorize-mmt4d{target=sparc}' 2>&1 | filecheck %s --check-prefix=TARGET
// RUN: not pack-opt %s -p 'vectorize-mmt4d{order=kmm}' 2>&1 | filecheck %s --check-prefix=ORDER
// RUN: not pack-opt %s -p 'vectorize-mmt4d{fuse=maybe}' 2>&1 | filecheck %s --check-prefix=FUSE

// CHECK: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: vectorize-mmt4d: linalg.mmt4d vectorized: 8x32x1 register tile, 2 vector(s) of 16+16 x f32 per row, k blocked by 171, accumulates across k blocks in a private buffer
// CHECK: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: vectorize-mmt4d: linalg.mmt4d vectorized: 8x32x2 register tile, 2 interleaved vector(s) of 16+16 x f32 per row, k blocked by 4
// CHECK: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: vectorize-mmt4d: linalg.mmt4d vectorized: 8x32x2 register tile, 2 interleaved vector(s) of 16+16 x i32 per row, k blocked by 4
// CHECK: {{.*}}.mlir:{{[0-9]+}}:{{[0-9]+}}: remark: vectorize-mmt4d: linalg.matmul left alone: not packed: neither m nor n has an inner tile loop (pack it first)
// TARGET: error: vectorize-mmt4d: unknown target 'sparc'; expected one of avx512, avx2, generic, host
// FUSE: error: vectorize-mmt4d: fuse must be one of auto, never, always, stage, got 'maybe'
// ORDER: error: vectorize-mmt4d: order must be a permutation of 'k', 'n', 'm' (k blocks, vector-operand loops, broadcast-operand loops), got 'kmm'

func.func @f32(%lhs: memref<1x1024x8x1xf32>, %rhs: memref<1x1024x32x1xf32>, %acc: memref<1x1x8x32xf32>) {
  linalg.mmt4d ins(%lhs, %rhs : memref<1x1024x8x1xf32>, memref<1x1024x32x1xf32>) outs(%acc : memref<1x1x8x32xf32>)
  return
}

func.func @bf16(%lhs: memref<1x4x8x2xbf16>, %rhs: memref<1x4x32x2xbf16>, %acc: memref<1x1x8x32xf32>) {
  linalg.mmt4d ins(%lhs, %rhs : memref<1x4x8x2xbf16>, memref<1x4x32x2xbf16>) outs(%acc : memref<1x1x8x32xf32>)
  return
}

func.func @i8(%lhs: memref<1x4x8x2xi8>, %rhs: memref<1x4x32x2xi8>, %acc: memref<1x1x8x32xi32>) {
  linalg.mmt4d ins(%lhs, %rhs : memref<1x4x8x2xi8>, memref<1x4x32x2xi8>) outs(%acc : memref<1x1x8x32xi32>)
  return
}

func.func @unpacked(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %c: memref<8x8xf32>) {
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  return
}
