// RUN: pack-opt %s --split-input-file -p lower-packs | filecheck %s

// A bufferized pack (the form `bufferize` leaves) becomes loops over the
// packed destination in memory order. The tiles do not divide the source:
// the loop over each padded dim's tiles is split into the full tiles
// (constant inner extents) and the partial last tile, whose inner loop
// copies the elements that exist and stores the padding value into the rest
// of the tile: every destination element is written once, no fill first.

// CHECK-LABEL: func.func @pack_padded
// CHECK-SAME:    (%[[SRC:.+]]: memref<5x7xf32>, %[[DST:.+]]: memref<4x2x2x3xf32>)
// CHECK-DAG:     %[[PAD:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG:     %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:     %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG:     %[[C6:.+]] = arith.constant 6 : index
// CHECK-NOT:     memref.store %[[PAD]]
// CHECK:         scf.for %[[Q1:.+]] = %[[C0]] to %[[C3]] step %[[C1]] {
// CHECK-NEXT:      %[[S1:.+]] = arith.muli %[[Q1]], %[[C2]] : index
// CHECK-NEXT:      scf.for %[[L1:.+]] = %[[C0]] to %[[C2]] step %[[C1]] {
// CHECK-NEXT:        scf.for %[[L0:.+]] = %[[C0]] to %[[C3]] step %[[C1]] {
// CHECK-NEXT:          %[[X1:.+]] = arith.addi %[[S1]], %[[L1]] : index
// CHECK-NEXT:          %[[V:.+]] = memref.load %[[SRC]][%[[L0]], %[[X1]]] : memref<5x7xf32>
// CHECK-NEXT:          memref.store %[[V]], %[[DST]][%[[Q1]], %[[C0]], %[[L1]], %[[L0]]] : memref<4x2x2x3xf32>
// CHECK-NEXT:        } {packdialect.parallel}
// CHECK-NEXT:      } {packdialect.parallel}
// The partial tile along dim 0 (rows 3..4 of the source, then padding):
// CHECK:           scf.for %[[M1:.+]] = %[[C0]] to %[[C2]] step %[[C1]] {
// CHECK-NEXT:        scf.for %[[M0:.+]] = %[[C0]] to %[[C2]] step %[[C1]] {
// CHECK:               memref.store %{{.+}}, %[[DST]][%[[Q1]], %[[C1]], %[[M1]], %[[M0]]]
// CHECK:             } {packdialect.parallel}
// CHECK-NEXT:        memref.store %[[PAD]], %[[DST]][%[[Q1]], %[[C1]], %[[M1]], %[[C2]]]
// CHECK:         } {packdialect.parallel}
// The partial tile along dim 1 (column 6, then padding):
// CHECK:         memref.load %[[SRC]][%{{.+}}, %[[C6]]]
// CHECK:         memref.store %[[PAD]], %[[DST]][%[[C3]], %[[C0]], %[[C1]], %{{.+}}]
// CHECK-NOT:     linalg.pack
// CHECK-NOT:     bufferization
func.func @pack_padded(%src: memref<5x7xf32>, %dst: memref<4x2x2x3xf32>) {
  %pad = arith.constant 0.0 : f32
  %s = bufferization.to_tensor %src restrict : memref<5x7xf32> to tensor<5x7xf32>
  %d = bufferization.to_tensor %dst restrict writable : memref<4x2x2x3xf32> to tensor<4x2x2x3xf32>
  %p = linalg.pack %s padding_value(%pad : f32) outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [2, 3] into %d : tensor<5x7xf32> -> tensor<4x2x2x3xf32>
  bufferization.materialize_in_destination %p in restrict writable %dst : (tensor<4x2x2x3xf32>, memref<4x2x2x3xf32>) -> ()
  return
}

// -----

// An unpadded pack whose innermost tile is a row segment of the source
// ([K][N] -> [N/n0][K][n0][1], the RHS of an mmt4d): the destination's
// innermost loop stays innermost (contiguous stores, contiguous loads), the
// others go by decreasing source stride, so the source is read row by row
// (one stream) instead of in n0-wide columns.

// CHECK-LABEL: func.func @pack_rows_in_source_order
// CHECK-SAME:    (%[[SRC:.+]]: memref<8x64xf32>, %[[DST:.+]]: memref<2x8x32x1xf32>)
// CHECK:         scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT:      scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT:        scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step
// CHECK:               %[[V:.+]] = memref.load %[[SRC]][%[[K]], %{{.+}}] : memref<8x64xf32>
// CHECK-NEXT:          memref.store %[[V]], %[[DST]][%[[N]], %[[K]], %[[J]], %{{.+}}] : memref<2x8x32x1xf32>
func.func @pack_rows_in_source_order(%src: memref<8x64xf32>, %dst: memref<2x8x32x1xf32>) {
  %s = bufferization.to_tensor %src restrict : memref<8x64xf32> to tensor<8x64xf32>
  %d = bufferization.to_tensor %dst restrict writable : memref<2x8x32x1xf32> to tensor<2x8x32x1xf32>
  %p = linalg.pack %s outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [32, 1] into %d : tensor<8x64xf32> -> tensor<2x8x32x1xf32>
  bufferization.materialize_in_destination %p in restrict writable %dst : (tensor<2x8x32x1xf32>, memref<2x8x32x1xf32>) -> ()
  return
}

// -----

// An unpack loops over the unpacked destination in memory order, each tiled
// dim split into (tile, element in tile); unit tiles get no loop.

// CHECK-LABEL: func.func @unpack
// CHECK-SAME:    (%[[SRC:.+]]: memref<2x8x8x1xf32>, %[[DST:.+]]: memref<16x8xf32>)
// CHECK-DAG:     %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK:         scf.for %[[Q:.+]] = %[[C0]] to %{{.+}} step
// CHECK-NEXT:      %[[S:.+]] = arith.muli %[[Q]], %[[C8]] : index
// CHECK-NEXT:      scf.for %[[L:.+]] = %[[C0]] to %[[C8]] step
// CHECK-NEXT:        %[[X:.+]] = arith.addi %[[S]], %[[L]] : index
// CHECK-NEXT:        scf.for %[[J:.+]] = %[[C0]] to %[[C8]] step
// CHECK-NEXT:          %[[V:.+]] = memref.load %[[SRC]][%[[Q]], %[[J]], %[[L]], %[[C0]]] : memref<2x8x8x1xf32>
// CHECK-NEXT:          memref.store %[[V]], %[[DST]][%[[X]], %[[J]]] : memref<16x8xf32>
func.func @unpack(%src: memref<2x8x8x1xf32>, %dst: memref<16x8xf32>) {
  %s = bufferization.to_tensor %src restrict : memref<2x8x8x1xf32> to tensor<2x8x8x1xf32>
  %d = bufferization.to_tensor %dst restrict writable : memref<16x8xf32> to tensor<16x8xf32>
  %u = linalg.unpack %s inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %d : tensor<2x8x8x1xf32> -> tensor<16x8xf32>
  bufferization.materialize_in_destination %u in restrict writable %dst : (tensor<16x8xf32>, memref<16x8xf32>) -> ()
  return
}

// -----

// Left alone: a pack on tensors (not bufferized yet) in the default mode.

// CHECK-LABEL: func.func @tensor_pack
// CHECK:         linalg.pack
func.func @tensor_pack(%a: tensor<16x8xf32>) -> tensor<2x8x8x1xf32> {
  %e = tensor.empty() : tensor<2x8x8x1xf32>
  %p = linalg.pack %a inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %e : tensor<16x8xf32> -> tensor<2x8x8x1xf32>
  return %p : tensor<2x8x8x1xf32>
}
