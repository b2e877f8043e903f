// Bad options are errors naming the option, not tracebacks.
// RUN: not pack-opt %s -p 'pack-greedily{packed-sizes=8,16}' 2>&1 | filecheck %s --check-prefix=COUNT
// RUN: not pack-opt %s -p 'pack-greedily{packed-sizes=8,16,32 inner-dims-order=0,0,1}' 2>&1 | filecheck %s --check-prefix=ORDER
// RUN: not pack-opt %s -p 'pack-greedily{packed-sizes=8,16,32 padded-sizes-next-multiple-of=4,0,0}' 2>&1 | filecheck %s --check-prefix=BOTH
// RUN: not pack-opt %s -p 'pack-greedily{packed-sizes=8,16,32 mmt4d-layout=true inner-dims-order=1,2,0}' 2>&1 | filecheck %s --check-prefix=LAYOUT
// RUN: not pack-opt %s -p 'pack-greedily{packed-sizes=8,16,32 strategy=avx2}' 2>&1 | filecheck %s --check-prefix=EXCLUSIVE
// RUN: not pack-opt %s -p 'pack-greedily{strategy=no-such-strategy}' 2>&1 | filecheck %s --check-prefix=STRATEGY
// RUN: not pack-opt %s -p 'pack-greedily{target=no-such-target}' 2>&1 | filecheck %s --check-prefix=TARGET

// COUNT: error: pack-greedily: packed-sizes must be 3 non-negative integers (m, n, k), got '8,16'
// ORDER: error: pack-greedily: inner-dims-order must be a permutation of 0,1,2, got '0,0,1'
// BOTH: error: pack-greedily: m has both a packed size (8) and a padded-sizes-next-multiple-of (4); give at most one
// LAYOUT: error: pack-greedily: mmt4d-layout=true needs the loops (m, n, k), i.e. inner-dims-order=0,1,2, got '1,2,0'
// EXCLUSIVE: error: pack-greedily: give either packed-sizes / padded-sizes-next-multiple-of or strategy, not both
// STRATEGY: error: unknown strategy 'no-such-strategy'
// TARGET: error: unknown target 'no-such-target'

func.func @matmul(%A : tensor<16x16xf32>, %B : tensor<16x16xf32>, %C : tensor<16x16xf32>) -> tensor<16x16xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<16x16xf32>, tensor<16x16xf32>) outs(%C : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %0 : tensor<16x16xf32>
}
