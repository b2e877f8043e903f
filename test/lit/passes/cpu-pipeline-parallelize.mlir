// `parallelize` (the cpu-pipeline's threads stage) on marked loops.
// RUN: pack-opt %s -p 'parallelize{threads=2 min-work=64}' | filecheck %s
// RUN: pack-opt %s -p 'parallelize{min-work=64}' | filecheck %s --check-prefix=DEFAULT
// RUN: pack-opt %s -p 'parallelize{threads=1 min-work=64}' | filecheck %s --check-prefix=SEQ
// RUN: pack-opt %s -p 'parallelize{threads=2}' | filecheck %s --check-prefix=SMALL

// The outermost marked loop becomes scf.parallel; the nested one stays.

// CHECK-LABEL: func.func @nest
// CHECK:         "scf.parallel"(%{{.+}}, %{{.+}}, %{{.+}})
// CHECK-NEXT:    ^{{.*}}(%[[I:.+]]: index):
// CHECK-NEXT:      scf.for %[[J:.+]] = {{.*}} {
// CHECK-NEXT:        memref.store %{{.+}}, %{{.+}}[%[[I]], %[[J]]]
// CHECK-NEXT:      } {packdialect.parallel}
// CHECK-NEXT:      scf.reduce
// CHECK-NEXT:    }) {packdialect.num_threads = 2 : i64}

// DEFAULT-LABEL: func.func @nest
// DEFAULT:         "scf.parallel"
// DEFAULT-NOT:     num_threads
// DEFAULT-LABEL: func.func @short_outer

// SEQ-NOT:     scf.parallel

// SMALL-LABEL: func.func @nest
// SMALL-NOT:     scf.parallel
// SMALL-LABEL: func.func @short_outer
func.func @nest(%o: memref<64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c32 step %c1 {
      memref.store %z, %o[%i, %j] : memref<64x32xf32>
    } {packdialect.parallel}
  } {packdialect.parallel}
  return
}

// A marked loop with few iterations is merged with the parallel loop it
// wraps (OpenMP collapse(2)); a sequential loop is looked through.

// CHECK-LABEL: func.func @short_outer
// CHECK:         scf.for %[[K:.+]] = {{.*}} {
// CHECK-NEXT:      "scf.parallel"(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}})
// CHECK-NEXT:      ^{{.*}}(%[[I:.+]]: index, %[[J:.+]]: index):
// CHECK-NEXT:        memref.store %{{.+}}, %{{.+}}[%[[K]], %[[I]], %[[J]]]
func.func @short_outer(%o: memref<3x2x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c3 step %c1 {
    scf.for %i = %c0 to %c2 step %c1 {
      scf.for %j = %c0 to %c64 step %c1 {
        memref.store %z, %o[%k, %i, %j] : memref<3x2x64xf32>
      } {packdialect.parallel}
    } {packdialect.parallel}
  }
  return
}
