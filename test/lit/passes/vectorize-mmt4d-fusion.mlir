// RUN: pack-opt %s --split-input-file -p 'vectorize-mmt4d{target=avx512}' | filecheck %s
// RUN: pack-opt %s --split-input-file -p 'vectorize-mmt4d{target=avx512 fuse=never}' | filecheck %s --check-prefix=NEVER
// RUN: pack-opt %s --split-input-file -p 'vectorize-mmt4d{target=avx512 fuse=stage tile-k=8 tile-m=1}' | filecheck %s --check-prefix=STAGE

// After `bufferize`, the kernel absorbs the packs and the unpack around an
// mmt4d. Here 2 row tiles x 2 column tiles: packing either operand would
// cost as much as reading it, so both are read straight from the function
// arguments; the fill is folded into the accumulators and the (only) k
// block stores straight into the unpack's destination. Nothing is left but
// the kernel: no buffer, no pack, no unpack.

// CHECK-LABEL: func.func @absorbed
// CHECK-SAME:    (%[[A:.+]]: memref<28x16xf32>, %[[B:.+]]: memref<16x64xf32>, %[[OUT:.+]]: memref<28x64xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         scf.for %[[N:.+]] = {{.*}} {
// CHECK-NEXT:      scf.for %[[M:.+]] = {{.*}} {
// CHECK-NEXT:        %[[Z:.+]] = vector.broadcast %{{.+}} : f32 to vector<16xf32>
// CHECK-NEXT:        scf.for %[[K:.+]] = {{.*}} iter_args(%{{.+}} = %[[Z]],
// CHECK:               vector.load %[[B]][%[[K]], %{{.+}}] : memref<16x64xf32>, vector<16xf32>
// CHECK:               memref.load %[[A]][%{{.+}}, %[[K]]] : memref<28x16xf32>
// CHECK:             vector.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] : memref<28x64xf32>, vector<16xf32>
// CHECK-NOT:     linalg.
// CHECK-NOT:     bufferization.
// CHECK-NOT:     memref.dealloc
// CHECK:         return

// NEVER-LABEL: func.func @absorbed
// NEVER:         linalg.pack
// NEVER:         linalg.pack
// NEVER:         vector.fma
// NEVER:         linalg.unpack
func.func @absorbed(%a: memref<28x16xf32>, %b: memref<16x64xf32>, %out0: memref<28x64xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %r = memref.alloc() {alignment = 64 : i64} : memref<2x16x14x1xf32>
  %0 = bufferization.to_tensor %a restrict : memref<28x16xf32> to tensor<28x16xf32>
  %1 = bufferization.to_tensor %r restrict writable : memref<2x16x14x1xf32> to tensor<2x16x14x1xf32>
  %r_1 = linalg.pack %0 outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [14, 1] into %1 : tensor<28x16xf32> -> tensor<2x16x14x1xf32>
  bufferization.materialize_in_destination %r_1 in restrict writable %r : (tensor<2x16x14x1xf32>, memref<2x16x14x1xf32>) -> ()
  %r_2 = memref.alloc() {alignment = 64 : i64} : memref<2x16x32x1xf32>
  %2 = bufferization.to_tensor %b restrict : memref<16x64xf32> to tensor<16x64xf32>
  %3 = bufferization.to_tensor %r_2 restrict writable : memref<2x16x32x1xf32> to tensor<2x16x32x1xf32>
  %r_3 = linalg.pack %2 outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [32, 1] into %3 : tensor<16x64xf32> -> tensor<2x16x32x1xf32>
  bufferization.materialize_in_destination %r_3 in restrict writable %r_2 : (tensor<2x16x32x1xf32>, memref<2x16x32x1xf32>) -> ()
  %r_4 = memref.alloc() {alignment = 64 : i64} : memref<2x2x14x32xf32>
  linalg.fill ins(%zero : f32) outs(%r_4 : memref<2x2x14x32xf32>)
  linalg.mmt4d ins(%r, %r_2 : memref<2x16x14x1xf32>, memref<2x16x32x1xf32>) outs(%r_4 : memref<2x2x14x32xf32>)
  %4 = bufferization.to_tensor %r_4 restrict : memref<2x2x14x32xf32> to tensor<2x2x14x32xf32>
  %5 = bufferization.to_tensor %out0 restrict writable : memref<28x64xf32> to tensor<28x64xf32>
  %r_5 = linalg.unpack %4 inner_dims_pos = [0, 1] inner_tiles = [14, 32] into %5 : tensor<2x2x14x32xf32> -> tensor<28x64xf32>
  bufferization.materialize_in_destination %r_5 in restrict writable %out0 : (tensor<28x64xf32>, memref<28x64xf32>) -> ()
  memref.dealloc %r : memref<2x16x14x1xf32>
  memref.dealloc %r_2 : memref<2x16x32x1xf32>
  memref.dealloc %r_4 : memref<2x2x14x32xf32>
  return
}

// -----

// 30 rows = 2 tiles of 14 + 2: the packs pad the rows, the kernel does not.
// With `fuse=stage` (and m blocks of 1 tile, k blocks of 8) the LHS is packed
// block by block, just before its kernels, into a staging buffer of one m
// block (the last block also holds the 2-row tile) x one k block; between k
// blocks the accumulators go through a private buffer
// [column tiles][row tiles of the block][14][32]; the last k block stores
// into %out, so the unpack goes. The RHS pack stays (3 row tiles reuse it).

// STAGE-LABEL: func.func @staged_with_partial_tile
// STAGE-SAME:    (%[[A:.+]]: memref<30x16xf32>, %{{.+}}: memref<16x96xf32>, %[[OUT:.+]]: memref<30x96xf32>)
// STAGE:         %[[PB:.+]] = memref.alloc() {alignment = 64 : i64} : memref<3x16x32x1xf32>
// STAGE:         linalg.pack
// STAGE-NOT:     linalg.pack
// STAGE:         %[[STAGE:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x14x1xf32>
// STAGE:         %[[ACC:.+]] = memref.alloc() {alignment = 64 : i64} : memref<3x2x14x32xf32>
// STAGE:         scf.for %[[MB:.+]] = {{.*}} {
// STAGE:           scf.for {{.*}} {
// STAGE:             scf.for {{.*}} {
// STAGE:               scf.for {{.*}} {
// STAGE:                 %[[X:.+]] = memref.load %[[A]]
// STAGE-NEXT:            memref.store %[[X]], %[[STAGE]]
// STAGE:           scf.for %[[N:.+]] = {{.*}} {
// STAGE:             memref.load %[[STAGE]]
// STAGE:             vector.store %{{.+}}, %[[ACC]][%[[N]],
// The last m block, last k block: full tiles, then the 2-row tile, into %out.
// STAGE:         vector.load %[[ACC]]
// STAGE:         vector.store %{{.+}}, %[[OUT]]
// STAGE:         scf.for %{{.+}} iter_args(%{{[^ ,]+}} = %{{[^ ,]+}}, %{{[^ ,]+}} = %{{[^ ,]+}}, %{{[^ ,]+}} = %{{[^ ,]+}}, %{{[^ ,]+}} = %{{[^ ,]+}}) ->
// STAGE-NOT:     linalg.unpack
// STAGE-DAG:     memref.dealloc %[[STAGE]]
// STAGE-DAG:     memref.dealloc %[[ACC]]
// STAGE:         return
func.func @staged_with_partial_tile(%a: memref<30x16xf32>, %b: memref<16x96xf32>, %out0: memref<30x96xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %r = memref.alloc() {alignment = 64 : i64} : memref<3x16x14x1xf32>
  %0 = bufferization.to_tensor %a restrict : memref<30x16xf32> to tensor<30x16xf32>
  %1 = bufferization.to_tensor %r restrict writable : memref<3x16x14x1xf32> to tensor<3x16x14x1xf32>
  %r_2 = linalg.pack %0 padding_value(%zero : f32) outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [14, 1] into %1 : tensor<30x16xf32> -> tensor<3x16x14x1xf32>
  bufferization.materialize_in_destination %r_2 in restrict writable %r : (tensor<3x16x14x1xf32>, memref<3x16x14x1xf32>) -> ()
  %r_3 = memref.alloc() {alignment = 64 : i64} : memref<3x16x32x1xf32>
  %2 = bufferization.to_tensor %b restrict : memref<16x96xf32> to tensor<16x96xf32>
  %3 = bufferization.to_tensor %r_3 restrict writable : memref<3x16x32x1xf32> to tensor<3x16x32x1xf32>
  %r_4 = linalg.pack %2 outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [32, 1] into %3 : tensor<16x96xf32> -> tensor<3x16x32x1xf32>
  bufferization.materialize_in_destination %r_4 in restrict writable %r_3 : (tensor<3x16x32x1xf32>, memref<3x16x32x1xf32>) -> ()
  %r_5 = memref.alloc() {alignment = 64 : i64} : memref<3x3x14x32xf32>
  linalg.fill ins(%zero : f32) outs(%r_5 : memref<3x3x14x32xf32>)
  linalg.mmt4d ins(%r, %r_3 : memref<3x16x14x1xf32>, memref<3x16x32x1xf32>) outs(%r_5 : memref<3x3x14x32xf32>)
  %4 = bufferization.to_tensor %r_5 restrict : memref<3x3x14x32xf32> to tensor<3x3x14x32xf32>
  %5 = bufferization.to_tensor %out0 restrict writable : memref<30x96xf32> to tensor<30x96xf32>
  %r_6 = linalg.unpack %4 inner_dims_pos = [0, 1] inner_tiles = [14, 32] into %5 : tensor<3x3x14x32xf32> -> tensor<30x96xf32>
  bufferization.materialize_in_destination %r_6 in restrict writable %out0 : (tensor<30x96xf32>, memref<30x96xf32>) -> ()
  memref.dealloc %r : memref<3x16x14x1xf32>
  memref.dealloc %r_3 : memref<3x16x32x1xf32>
  memref.dealloc %r_5 : memref<3x3x14x32xf32>
  return
}

// -----

// Left alone: 40 columns in tiles of 32 pad the vector dim, so the kernel
// cannot store whole vectors into %out: the unpack stays (and so does the
// padded RHS pack); the kernel works on the packed accumulator.

// CHECK-LABEL: func.func @padded_columns_keep_the_unpack
// CHECK:         %[[ACC:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x14x32xf32>
// CHECK:         vector.store %{{.+}}, %[[ACC]]
// CHECK:         linalg.unpack
func.func @padded_columns_keep_the_unpack(%a: memref<14x8xf32>, %b: memref<8x40xf32>, %out0: memref<14x40xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %r = memref.alloc() {alignment = 64 : i64} : memref<1x8x14x1xf32>
  %0 = bufferization.to_tensor %a restrict : memref<14x8xf32> to tensor<14x8xf32>
  %1 = bufferization.to_tensor %r restrict writable : memref<1x8x14x1xf32> to tensor<1x8x14x1xf32>
  %r_1 = linalg.pack %0 outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [14, 1] into %1 : tensor<14x8xf32> -> tensor<1x8x14x1xf32>
  bufferization.materialize_in_destination %r_1 in restrict writable %r : (tensor<1x8x14x1xf32>, memref<1x8x14x1xf32>) -> ()
  %r_2 = memref.alloc() {alignment = 64 : i64} : memref<2x8x32x1xf32>
  %2 = bufferization.to_tensor %b restrict : memref<8x40xf32> to tensor<8x40xf32>
  %3 = bufferization.to_tensor %r_2 restrict writable : memref<2x8x32x1xf32> to tensor<2x8x32x1xf32>
  %r_4 = linalg.pack %2 padding_value(%zero : f32) outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [32, 1] into %3 : tensor<8x40xf32> -> tensor<2x8x32x1xf32>
  bufferization.materialize_in_destination %r_4 in restrict writable %r_2 : (tensor<2x8x32x1xf32>, memref<2x8x32x1xf32>) -> ()
  %r_5 = memref.alloc() {alignment = 64 : i64} : memref<1x2x14x32xf32>
  linalg.fill ins(%zero : f32) outs(%r_5 : memref<1x2x14x32xf32>)
  linalg.mmt4d ins(%r, %r_2 : memref<1x8x14x1xf32>, memref<2x8x32x1xf32>) outs(%r_5 : memref<1x2x14x32xf32>)
  %4 = bufferization.to_tensor %r_5 restrict : memref<1x2x14x32xf32> to tensor<1x2x14x32xf32>
  %5 = bufferization.to_tensor %out0 restrict writable : memref<14x40xf32> to tensor<14x40xf32>
  %r_6 = linalg.unpack %4 inner_dims_pos = [0, 1] inner_tiles = [14, 32] into %5 : tensor<1x2x14x32xf32> -> tensor<14x40xf32>
  bufferization.materialize_in_destination %r_6 in restrict writable %out0 : (tensor<14x40xf32>, memref<14x40xf32>) -> ()
  memref.dealloc %r : memref<1x8x14x1xf32>
  memref.dealloc %r_2 : memref<2x8x32x1xf32>
  memref.dealloc %r_5 : memref<1x2x14x32xf32>
  return
}

// -----

// Left alone: with the unpack kept (padded columns), the kernel must also
// compute the padded rows of the accumulator (someone reads them), so the
// LHS (30 rows, padded to 3 tiles of 14) is not read unpacked either, though
// only 2 column tiles reuse it.

// CHECK-LABEL: func.func @padded_rows_and_columns_keep_the_packs
// CHECK:         linalg.pack
// CHECK:         linalg.pack
// CHECK:         %[[ACC:.+]] = memref.alloc() {alignment = 64 : i64} : memref<3x2x14x32xf32>
// CHECK-COUNT-28: vector.store %{{.+}}, %[[ACC]]
// CHECK:         linalg.unpack
func.func @padded_rows_and_columns_keep_the_packs(%a: memref<30x8xf32>, %b: memref<8x40xf32>, %out0: memref<30x40xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %r = memref.alloc() {alignment = 64 : i64} : memref<3x8x14x1xf32>
  %0 = bufferization.to_tensor %a restrict : memref<30x8xf32> to tensor<30x8xf32>
  %1 = bufferization.to_tensor %r restrict writable : memref<3x8x14x1xf32> to tensor<3x8x14x1xf32>
  %r_2 = linalg.pack %0 padding_value(%zero : f32) outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [14, 1] into %1 : tensor<30x8xf32> -> tensor<3x8x14x1xf32>
  bufferization.materialize_in_destination %r_2 in restrict writable %r : (tensor<3x8x14x1xf32>, memref<3x8x14x1xf32>) -> ()
  %r_3 = memref.alloc() {alignment = 64 : i64} : memref<2x8x32x1xf32>
  %2 = bufferization.to_tensor %b restrict : memref<8x40xf32> to tensor<8x40xf32>
  %3 = bufferization.to_tensor %r_3 restrict writable : memref<2x8x32x1xf32> to tensor<2x8x32x1xf32>
  %r_5 = linalg.pack %2 padding_value(%zero : f32) outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [32, 1] into %3 : tensor<8x40xf32> -> tensor<2x8x32x1xf32>
  bufferization.materialize_in_destination %r_5 in restrict writable %r_3 : (tensor<2x8x32x1xf32>, memref<2x8x32x1xf32>) -> ()
  %r_6 = memref.alloc() {alignment = 64 : i64} : memref<3x2x14x32xf32>
  linalg.fill ins(%zero : f32) outs(%r_6 : memref<3x2x14x32xf32>)
  linalg.mmt4d ins(%r, %r_3 : memref<3x8x14x1xf32>, memref<2x8x32x1xf32>) outs(%r_6 : memref<3x2x14x32xf32>)
  %4 = bufferization.to_tensor %r_6 restrict : memref<3x2x14x32xf32> to tensor<3x2x14x32xf32>
  %5 = bufferization.to_tensor %out0 restrict writable : memref<30x40xf32> to tensor<30x40xf32>
  %r_7 = linalg.unpack %4 inner_dims_pos = [0, 1] inner_tiles = [14, 32] into %5 : tensor<3x2x14x32xf32> -> tensor<30x40xf32>
  bufferization.materialize_in_destination %r_7 in restrict writable %out0 : (tensor<30x40xf32>, memref<30x40xf32>) -> ()
  memref.dealloc %r : memref<3x8x14x1xf32>
  memref.dealloc %r_3 : memref<2x8x32x1xf32>
  memref.dealloc %r_6 : memref<3x2x14x32xf32>
  return
}
