// RUN: pack-opt %s -p canonicalize | filecheck %s

// The canonicalization patterns attached to linalg.pack / linalg.unpack
// (upstream: PackOp/UnPackOp::canonicalize, FoldFillWithPack, the folders).
// Beyond upstream: dense (not only splat) constants are packed at compile
// time, and unpack(pack(x)) folds when the pack pads a static shape.

// pack(unpack(x)) -> x when tiles, positions and permutations agree.
// CHECK-LABEL: func.func @fold_pack_unpack(
// CHECK-SAME:      %[[X:.+]]: tensor<2x4x8x16xf32>
// CHECK-NEXT:    return %[[X]]
func.func @fold_pack_unpack(%x: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %u outer_dims_perm = [0, 1] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Not folded: the outer permutations differ.
// CHECK-LABEL: func.func @no_fold_pack_unpack_perm(
// CHECK:         %[[U:.+]] = linalg.unpack
// CHECK:         %[[P:.+]] = linalg.pack %[[U]] outer_dims_perm = [1, 0]
// CHECK:         return %[[P]]
func.func @no_fold_pack_unpack_perm(%x: tensor<2x4x8x16xf32>) -> tensor<4x2x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<4x2x8x16xf32>
  %p = linalg.pack %u outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<16x64xf32> -> tensor<4x2x8x16xf32>
  func.return %p : tensor<4x2x8x16xf32>
}

// Not folded: the unpack drops padding that the pack fills with a new value.
// CHECK-LABEL: func.func @no_fold_pack_unpack_padding(
// CHECK:         %[[U:.+]] = linalg.unpack {{.+}} -> tensor<15x64xf32>
// CHECK:         %[[P:.+]] = linalg.pack %[[U]] padding_value(
// CHECK:         return %[[P]]
func.func @no_fold_pack_unpack_padding(%x: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<15x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<15x64xf32>
  %e2 = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %u padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// unpack(pack(x)) -> x, also when the pack pads: the unpack drops exactly that.
// CHECK-LABEL: func.func @fold_unpack_pack(
// CHECK-SAME:      %[[X:.+]]: tensor<15x64xf32>
// CHECK-NEXT:    return %[[X]]
func.func @fold_unpack_pack(%x: tensor<15x64xf32>) -> tensor<15x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %x padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
  %e2 = tensor.empty() : tensor<15x64xf32>
  %u = linalg.unpack %p inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<2x4x8x16xf32> -> tensor<15x64xf32>
  func.return %u : tensor<15x64xf32>
}

// Not folded: the tiled positions differ.
// CHECK-LABEL: func.func @no_fold_unpack_pack_positions(
// CHECK:         %[[P:.+]] = linalg.pack
// CHECK:         %[[U:.+]] = linalg.unpack %[[P]] inner_dims_pos = [1, 0]
// CHECK:         return %[[U]]
func.func @no_fold_unpack_pack_positions(%x: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %e = tensor.empty() : tensor<4x4x4x4xf32>
  %p = linalg.pack %x inner_dims_pos = [0, 1] inner_tiles = [4, 4] into %e : tensor<16x16xf32> -> tensor<4x4x4x4xf32>
  %e2 = tensor.empty() : tensor<16x16xf32>
  %u = linalg.unpack %p inner_dims_pos = [1, 0] inner_tiles = [4, 4] into %e2 : tensor<4x4x4x4xf32> -> tensor<16x16xf32>
  func.return %u : tensor<16x16xf32>
}

// A padding value static shapes prove unnecessary is dropped.
// CHECK-LABEL: func.func @drop_padding(
// CHECK-SAME:      %[[X:.+]]: tensor<16x64xf32>
// CHECK-NOT:     padding_value
// CHECK:         linalg.pack %[[X]] inner_dims_pos = [0, 1] inner_tiles = [8, 16]
func.func @drop_padding(%x: tensor<16x64xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %x padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Kept: 15 is not a multiple of 8.
// CHECK-LABEL: func.func @keep_padding(
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         linalg.pack %{{.+}} padding_value(%[[ZERO]] : f32)
func.func @keep_padding(%x: tensor<15x64xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %x padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// pack(fill(c)) -> fill(c) into the pack dest.
// CHECK-LABEL: func.func @fold_pack_fill(
// CHECK-SAME:      %[[V:.+]]: f32
// CHECK-NEXT:    %[[E:.+]] = tensor.empty() : tensor<2x4x8x16xf32>
// CHECK-NEXT:    %[[F:.+]] = linalg.fill ins(%[[V]] : f32) outs(%[[E]] : tensor<2x4x8x16xf32>)
// CHECK-NEXT:    return %[[F]]
func.func @fold_pack_fill(%v: f32) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %f = linalg.fill ins(%v : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %f inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Also with a padding value equal to the filled value.
// CHECK-LABEL: func.func @fold_pack_fill_same_padding(
// CHECK-SAME:      %[[V:.+]]: f32
// CHECK-NOT:     linalg.pack
// CHECK:         linalg.fill ins(%[[V]] : f32) outs(%{{.+}} : tensor<2x4x8x16xf32>)
func.func @fold_pack_fill_same_padding(%v: f32) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<15x64xf32>
  %f = linalg.fill ins(%v : f32) outs(%e : tensor<15x64xf32>) -> tensor<15x64xf32>
  %e2 = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %f padding_value(%v : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Not folded: the padding value differs from the filled value.
// CHECK-LABEL: func.func @no_fold_pack_fill_padding(
// CHECK:         %[[F:.+]] = linalg.fill {{.+}} -> tensor<15x64xf32>
// CHECK:         linalg.pack %[[F]] padding_value(
func.func @no_fold_pack_fill_padding(%v: f32) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<15x64xf32>
  %f = linalg.fill ins(%v : f32) outs(%e : tensor<15x64xf32>) -> tensor<15x64xf32>
  %e2 = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %f padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e2 : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// A pack of a dense constant is computed at compile time.
// CHECK-LABEL: func.func @fold_constant_dense(
// CHECK-NEXT:    %[[C:.+]] = arith.constant dense<{{\[\[\[\[}}1, 2], [3, 4]]], {{\[\[\[}}5, 6], [7, 8]]]]> : tensor<2x1x2x2xi32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_constant_dense() -> tensor<2x1x2x2xi32> {
  %c = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8]]> : tensor<4x2xi32>
  %e = tensor.empty() : tensor<2x1x2x2xi32>
  %p = linalg.pack %c inner_dims_pos = [0, 1] inner_tiles = [2, 2] into %e : tensor<4x2xi32> -> tensor<2x1x2x2xi32>
  func.return %p : tensor<2x1x2x2xi32>
}

// The mmt4d RHS layout (both permutations) with padding, on f32.
// Packed[n, k, n0, k0] = W[2k + k0, 2n + n0], -1 where past the 3x3 edge.
// CHECK-LABEL: func.func @fold_constant_transposed_padded(
// CHECK-NEXT:    %[[C:.+]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00]], {{\[\[}}7.000000e+00, -1.000000e+00], [8.000000e+00, -1.000000e+00]]], {{\[\[\[}}3.000000e+00, 6.000000e+00], [-1.000000e+00, -1.000000e+00]], {{\[\[}}9.000000e+00, -1.000000e+00], [-1.000000e+00, -1.000000e+00]]]]> : tensor<2x2x2x2xf32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_constant_transposed_padded() -> tensor<2x2x2x2xf32> {
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xf32>
  %pad = arith.constant -1.0 : f32
  %e = tensor.empty() : tensor<2x2x2x2xf32>
  %p = linalg.pack %c padding_value(%pad : f32) outer_dims_perm = [1, 0] inner_dims_pos = [1, 0] inner_tiles = [2, 2] into %e : tensor<3x3xf32> -> tensor<2x2x2x2xf32>
  func.return %p : tensor<2x2x2x2xf32>
}

// Other element types: i8, f16, bf16 and i1 pack bit-exactly.
// CHECK-LABEL: func.func @fold_constant_types(
// CHECK-NOT:     linalg.pack
// CHECK-DAG:     arith.constant dense<{{\[\[\[}}-1, 2], [3, -4]]]> : tensor<1x2x2xi8>
// CHECK-DAG:     arith.constant dense<{{\[\[}}1.500000e+00, 2.500000e+00], [-3.000000e+00, 0.000000e+00]]> : tensor<2x2xf16>
// CHECK-DAG:     arith.constant dense<{{\[\[}}5.000000e-01, 1.500000e+00], [2.500000e+00, 3.500000e+00]]> : tensor<2x2xbf16>
// CHECK-DAG:     arith.constant dense<{{\[\[\[}}true, false]], {{\[\[}}false, true]]]> : tensor<2x1x2xi1>
func.func @fold_constant_types() -> (tensor<1x2x2xi8>, tensor<2x2xf16>, tensor<2x2xbf16>, tensor<2x1x2xi1>) {
  %a = arith.constant dense<[[-1, 2, 3, -4]]> : tensor<1x4xi8>
  %ea = tensor.empty() : tensor<1x2x2xi8>
  %pa = linalg.pack %a inner_dims_pos = [1] inner_tiles = [2] into %ea : tensor<1x4xi8> -> tensor<1x2x2xi8>
  %b = arith.constant dense<[1.5, 2.5, -3.0]> : tensor<3xf16>
  %bpad = arith.constant 0.0 : f16
  %eb = tensor.empty() : tensor<2x2xf16>
  %pb = linalg.pack %b padding_value(%bpad : f16) inner_dims_pos = [0] inner_tiles = [2] into %eb : tensor<3xf16> -> tensor<2x2xf16>
  %c = arith.constant dense<[0.5, 1.5, 2.5, 3.5]> : tensor<4xbf16>
  %ec = tensor.empty() : tensor<2x2xbf16>
  %pc = linalg.pack %c inner_dims_pos = [0] inner_tiles = [2] into %ec : tensor<4xbf16> -> tensor<2x2xbf16>
  %d = arith.constant dense<[[true], [false], [false], [true]]> : tensor<4x1xi1>
  %ed = tensor.empty() : tensor<2x1x2xi1>
  %pd = linalg.pack %d inner_dims_pos = [0] inner_tiles = [2] into %ed : tensor<4x1xi1> -> tensor<2x1x2xi1>
  func.return %pa, %pb, %pc, %pd : tensor<1x2x2xi8>, tensor<2x2xf16>, tensor<2x2xbf16>, tensor<2x1x2xi1>
}

// A splat stays a splat.
// CHECK-LABEL: func.func @fold_constant_splat(
// CHECK-NEXT:    %[[C:.+]] = arith.constant dense<2.500000e+00> : tensor<2x4x8x16xf32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_constant_splat() -> tensor<2x4x8x16xf32> {
  %c = arith.constant dense<2.5> : tensor<16x64xf32>
  %e = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %c inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// An unpack of a constant folds too.
// CHECK-LABEL: func.func @fold_constant_unpack(
// CHECK-NEXT:    %[[C:.+]] = arith.constant dense<{{\[\[}}1, 2], [3, 4], [5, 6]]> : tensor<3x2xi32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_constant_unpack() -> tensor<3x2xi32> {
  %c = arith.constant dense<[[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]> : tensor<2x1x2x2xi32>
  %e = tensor.empty() : tensor<3x2xi32>
  %u = linalg.unpack %c inner_dims_pos = [0, 1] inner_tiles = [2, 2] into %e : tensor<2x1x2x2xi32> -> tensor<3x2xi32>
  func.return %u : tensor<3x2xi32>
}

// Not folded: the padding value is not a constant.
// CHECK-LABEL: func.func @no_fold_constant_padding_arg(
// CHECK-SAME:      %[[PAD:.+]]: f32
// CHECK:         %[[C:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK:         linalg.pack %[[C]] padding_value(%[[PAD]] : f32)
func.func @no_fold_constant_padding_arg(%pad: f32) -> tensor<2x2xf32> {
  %c = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pack %c padding_value(%pad : f32) inner_dims_pos = [0] inner_tiles = [2] into %e : tensor<3xf32> -> tensor<2x2xf32>
  func.return %p : tensor<2x2xf32>
}

// An unpack into the result of a fill writes into the fill's init instead.
// CHECK-LABEL: func.func @unpack_into_fill_init(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<2x4x8x16xf32>
// CHECK-NEXT:    %[[E:.+]] = tensor.empty() : tensor<16x64xf32>
// CHECK-NEXT:    %[[U:.+]] = linalg.unpack %[[X]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %[[E]]
// CHECK-NEXT:    return %[[U]]
func.func @unpack_into_fill_init(%x: tensor<2x4x8x16xf32>, %v: f32) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %f = linalg.fill ins(%v : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %f : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  func.return %u : tensor<16x64xf32>
}

// Left alone: the dest is a function argument.
// CHECK-LABEL: func.func @unpack_into_arg(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<2x4x8x16xf32>, %[[D:[a-z0-9]+]]: tensor<16x64xf32>
// CHECK-NEXT:    %[[U:.+]] = linalg.unpack %[[X]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %[[D]]
// CHECK-NEXT:    return %[[U]]
func.func @unpack_into_arg(%x: tensor<2x4x8x16xf32>, %d: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  func.return %u : tensor<16x64xf32>
}

// A tensor.cast that only erases static sizes folds into the pack using it:
// the constant tile becomes static, and the cast back to the old result type
// folds with the consumer cast; no no-op cast is left.
// CHECK-LABEL: func.func @fold_cast_pack(
// CHECK-SAME:      %[[D:[^:]+]]: tensor<1x1x8x1xi32>, %[[S:[^:]+]]: tensor<7x1xi32>, %[[V:[^:]+]]: i32
// CHECK-NEXT:    %[[P:.+]] = linalg.pack %[[S]] padding_value(%[[V]] : i32) inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %[[D]] : tensor<7x1xi32> -> tensor<1x1x8x1xi32>
// CHECK-NEXT:    return %[[P]]
func.func @fold_cast_pack(%dest: tensor<1x1x8x1xi32>, %src: tensor<7x1xi32>, %pad: i32) -> tensor<1x1x8x1xi32> {
  %cast = tensor.cast %dest : tensor<1x1x8x1xi32> to tensor<1x1x?x1xi32>
  %c8 = arith.constant 8 : index
  %pack = linalg.pack %src padding_value(%pad : i32) inner_dims_pos = [0, 1] inner_tiles = [%c8, 1] into %cast : tensor<7x1xi32> -> tensor<1x1x?x1xi32>
  %res = tensor.cast %pack : tensor<1x1x?x1xi32> to tensor<1x1x8x1xi32>
  func.return %res : tensor<1x1x8x1xi32>
}

// The same for the source of an unpack.
// CHECK-LABEL: func.func @fold_cast_unpack(
// CHECK-SAME:      %[[S:[^:]+]]: tensor<1x1x8x1xf32>, %[[D:[^:]+]]: tensor<7x1xf32>
// CHECK-NEXT:    %[[U:.+]] = linalg.unpack %[[S]] inner_dims_pos = [0, 1] inner_tiles = [8, 1] into %[[D]] : tensor<1x1x8x1xf32> -> tensor<7x1xf32>
// CHECK-NEXT:    return %[[U]]
func.func @fold_cast_unpack(%src: tensor<1x1x8x1xf32>, %dest: tensor<7x1xf32>) -> tensor<7x1xf32> {
  %cast = tensor.cast %src : tensor<1x1x8x1xf32> to tensor<1x1x?x1xf32>
  %c8 = arith.constant 8 : index
  %u = linalg.unpack %cast inner_dims_pos = [0, 1] inner_tiles = [%c8, 1] into %dest : tensor<1x1x?x1xf32> -> tensor<7x1xf32>
  func.return %u : tensor<7x1xf32>
}

// Where the function keeps the less static type, the pack gets the static
// one and a cast back.
// CHECK-LABEL: func.func @fold_cast_pack_cast_back(
// CHECK-SAME:      %[[D:[^:]+]]: tensor<2x8x2x1xf32>, %[[A:[^:]+]]: tensor<4x8xf32>
// CHECK-NEXT:    %[[P:.+]] = linalg.pack %[[A]] inner_dims_pos = [0, 1] inner_tiles = [2, 1] into %[[D]] : tensor<4x8xf32> -> tensor<2x8x2x1xf32>
// CHECK-NEXT:    %[[C:.+]] = tensor.cast %[[P]] : tensor<2x8x2x1xf32> to tensor<?x?x2x1xf32>
// CHECK-NEXT:    return %[[C]]
func.func @fold_cast_pack_cast_back(%d: tensor<2x8x2x1xf32>, %a: tensor<4x8xf32>) -> tensor<?x?x2x1xf32> {
  %c = tensor.cast %d : tensor<2x8x2x1xf32> to tensor<?x?x2x1xf32>
  %p = linalg.pack %a inner_dims_pos = [0, 1] inner_tiles = [2, 1] into %c : tensor<4x8xf32> -> tensor<?x?x2x1xf32>
  func.return %p : tensor<?x?x2x1xf32>
}

// Not folded: this cast adds static sizes (a run-time check).
// CHECK-LABEL: func.func @no_fold_refining_cast_pack(
// CHECK:         %[[C:.+]] = tensor.cast
// CHECK-NEXT:    linalg.pack %[[C]]
func.func @no_fold_refining_cast_pack(%a: tensor<?x8xf32>, %d: tensor<2x8x2x1xf32>) -> tensor<2x8x2x1xf32> {
  %c = tensor.cast %a : tensor<?x8xf32> to tensor<4x8xf32>
  %p = linalg.pack %c inner_dims_pos = [0, 1] inner_tiles = [2, 1] into %d : tensor<4x8xf32> -> tensor<2x8x2x1xf32>
  func.return %p : tensor<2x8x2x1xf32>
}
