// RUN: pack-opt %s --split-input-file -p linalg-to-loops | filecheck %s

// Every linalg op on memrefs becomes scf.for loops in the op's loop order,
// indices computed with arith; loops over parallel iterators are marked.

// CHECK-LABEL: func.func @elementwise
// CHECK-SAME:    (%[[A:.+]]: memref<4x8xf32>, %[[B:.+]]: memref<8xf32>, %[[O:.+]]: memref<4x8xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK:         scf.for %[[I:.+]] = %[[C0]] to %[[C4]] step %[[C1]] {
// CHECK-NEXT:      scf.for %[[J:.+]] = %[[C0]] to %[[C8]] step %[[C1]] {
// CHECK-NEXT:        %[[X:.+]] = memref.load %[[A]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT:        %[[Y:.+]] = memref.load %[[B]][%[[J]]] : memref<8xf32>
// CHECK-NEXT:        %[[S:.+]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT:        memref.store %[[S]], %[[O]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT:      } {packdialect.parallel}
// CHECK-NEXT:    } {packdialect.parallel}
// CHECK-NOT:     linalg.
func.func @elementwise(%a: memref<4x8xf32>, %b: memref<8xf32>, %o: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%a, %b : memref<4x8xf32>, memref<8xf32>) outs(%o : memref<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Innermost reductions carry the output through iter_args: one load before,
// one store after.

// CHECK-LABEL: func.func @row_sum
// CHECK-SAME:    (%[[A:.+]]: memref<4x8xf32>, %[[O:.+]]: memref<4xf32>)
// CHECK:         scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-NEXT:      %[[INIT:.+]] = memref.load %[[O]][%[[I]]] : memref<4xf32>
// CHECK-NEXT:      %[[SUM:.+]] = scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:        %[[X:.+]] = memref.load %[[A]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT:        %[[S:.+]] = arith.addf %[[X]], %[[ACC]] : f32
// CHECK-NEXT:        scf.yield %[[S]] : f32
// CHECK-NEXT:      }
// CHECK-NEXT:      memref.store %[[SUM]], %[[O]][%[[I]]] : memref<4xf32>
// CHECK-NEXT:    } {packdialect.parallel}
func.func @row_sum(%a: memref<4x8xf32>, %o: memref<4xf32>) {
  linalg.reduce ins(%a : memref<4x8xf32>) outs(%o : memref<4xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// An outer reduction: the loop over it is not marked parallel.

// CHECK-LABEL: func.func @col_sum
// CHECK:         scf.for
// CHECK-NEXT:      scf.for
// CHECK:             memref.store
// CHECK-NEXT:      } {packdialect.parallel}
// CHECK-NEXT:    }{{$}}
func.func @col_sum(%a: memref<4x8xf32>, %o: memref<8xf32>) {
  linalg.reduce ins(%a : memref<4x8xf32>) outs(%o : memref<8xf32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// Named ops: broadcast, fill, and a matmul (loops m, n, k; k carried).

// CHECK-LABEL: func.func @named
// CHECK-SAME:    (%[[V:.+]]: memref<8xf32>, %[[A:.+]]: memref<4x8xf32>, %[[O:.+]]: memref<4x8xf32>, %[[M:.+]]: memref<4x4xf32>)
// CHECK:         %[[X:.+]] = memref.load %[[V]][%[[J:.+]]] : memref<8xf32>
// CHECK-NEXT:    memref.store %[[X]], %[[O]][%{{.+}}, %[[J]]] : memref<4x8xf32>
// CHECK:         memref.store %{{.+}}, %[[M]][%{{.+}}, %{{.+}}] : memref<4x4xf32>
// CHECK:         iter_args
// CHECK:           %[[P:.+]] = memref.load %[[A]]
// CHECK-NEXT:      %[[Q:.+]] = memref.load %[[O]]
// CHECK-NEXT:      %[[R:.+]] = arith.mulf %[[P]], %[[Q]] : f32
// CHECK-NEXT:      %[[S:.+]] = arith.addf %{{.+}}, %[[R]] : f32
// CHECK-NEXT:      scf.yield %[[S]] : f32
// CHECK-NOT:     linalg.
func.func @named(%v: memref<8xf32>, %a: memref<4x8xf32>, %o: memref<4x8xf32>, %m: memref<4x4xf32>) {
  linalg.broadcast ins(%v : memref<8xf32>) outs(%o : memref<4x8xf32>) dimensions = [0]
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%m : memref<4x4xf32>)
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%a, %o : memref<4x8xf32>, memref<4x8xf32>) outs(%m : memref<4x4xf32>)
  return
}

// -----

// linalg.index is the loop index; floordiv / mod become divui / remui.

// CHECK-LABEL: func.func @index_and_div
// CHECK-SAME:    (%[[P:.+]]: memref<2x8x8xi64>, %[[O:.+]]: memref<16x8xi64>)
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK:         scf.for %[[I:.+]] = {{.*}} {
// CHECK-NEXT:      scf.for %[[J:.+]] = {{.*}} {
// CHECK-NEXT:        %[[Q:.+]] = arith.divui %[[I]], %[[C8]] : index
// CHECK-NEXT:        %[[R:.+]] = arith.remui %[[I]], %[[C8]] : index
// CHECK-NEXT:        %[[X:.+]] = memref.load %[[P]][%[[Q]], %[[J]], %[[R]]] : memref<2x8x8xi64>
// CHECK-NEXT:        %[[K:.+]] = arith.index_cast %[[I]] : index to i64
// CHECK-NEXT:        %[[S:.+]] = arith.addi %[[X]], %[[K]] : i64
// CHECK-NEXT:        memref.store %[[S]], %[[O]][%[[I]], %[[J]]] : memref<16x8xi64>
func.func @index_and_div(%p: memref<2x8x8xi64>, %o: memref<16x8xi64>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i floordiv 8, j, i mod 8)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%p : memref<2x8x8xi64>) outs(%o : memref<16x8xi64>) {
  ^bb0(%x: i64, %z: i64):
    %i = linalg.index 0 : index
    %c = arith.index_cast %i : index to i64
    %s = arith.addi %x, %c : i64
    linalg.yield %s : i64
  }
  return
}

// -----

// Left alone: linalg on tensors (bufferize first).

// CHECK-LABEL: func.func @on_tensors
// CHECK:         linalg.fill
func.func @on_tensors(%t: tensor<4xf32>) -> tensor<4xf32> {
  %z = arith.constant 0.0 : f32
  %r = linalg.fill ins(%z : f32) outs(%t : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
