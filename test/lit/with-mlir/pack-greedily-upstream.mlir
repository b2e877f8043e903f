// REQUIRES: iree-opt
//
// Conformance with upstream MLIR: the compare script runs iree-opt's
// `transform.structured.pack_greedily` (matmul_packed_sizes, ..._order, ...)
// and our `pack-greedily` with the same sizes on every chunk of the pass tests
// and compares every pack / unpack (types, inner_dims_pos, tiles,
// outer_dims_perm, padding) and the packed generic (maps, iterators, types).
//
// RUN: python %S/Inputs/compare_with_upstream.py %S/../passes/pack-greedily.mlir --packed-sizes 8,16,32 --inner-dims-order 1,2,0 | filecheck %s --check-prefix=BASIC
// RUN: python %S/Inputs/compare_with_upstream.py %S/../passes/pack-greedily-kinds.mlir --packed-sizes 4,8,2 | filecheck %s --check-prefix=KINDS
// RUN: python %S/Inputs/compare_with_upstream.py %S/../passes/pack-greedily-kinds.mlir --packed-sizes 8,16,32 --inner-dims-order 2,0,1 | filecheck %s --check-prefix=KINDS
// RUN: python %S/Inputs/compare_with_upstream.py %S/../passes/pack-greedily-padded.mlir --packed-sizes 8,16,32 --inner-dims-order 1,2,0 | filecheck %s --check-prefix=PADDED
// RUN: python %S/Inputs/compare_with_upstream.py %S/../passes/pack-greedily-padded.mlir --packed-sizes 8,0,32 --padded-sizes-next-multiple-of 0,10,0 --inner-dims-order 1,2,0 | filecheck %s --check-prefix=PADDED
// RUN: python %S/Inputs/compare_with_upstream.py %S/../passes/pack-greedily-padded.mlir --packed-sizes 0,0,32 --padded-sizes-next-multiple-of 0,10,0 --inner-dims-order 1,2,0 | filecheck %s --check-prefix=PADDED
//
// Refusals where upstream also leaves the op alone. (This iree-opt build
// packs ops with an empty m, n or k set, reading `.back()` of an empty list;
// upstream's own test expects them to be left alone, as we do.)
// RUN: python %S/Inputs/compare_with_upstream.py %S/../passes/pack-greedily-refusals.mlir --packed-sizes 8,16,32 --inner-dims-order 1,2,0 --functions matvec,fill,max_plus_k_divisible | filecheck %s --check-prefix=REFUSED
//
// mmt4d-layout=true against upstream's linalg-block-pack-matmul, for the
// matmuls that pass accepts (it leaves other generics alone).
// RUN: python %S/Inputs/compare_with_upstream.py %S/../passes/pack-greedily-mmt4d.mlir --packed-sizes 8,16,4 --mmt4d-layout --functions matmul_mk_kn,matmul_transpose_b,batch_matmul | filecheck %s --check-prefix=MMT4D
//
// Our output parses and verifies in upstream MLIR.
// RUN: pack-opt %S/../passes/pack-greedily-kinds.mlir --split-input-file -p 'pack-greedily{packed-sizes=4,8,2}' | iree-opt --split-input-file | filecheck %s --check-prefix=PARSES
// RUN: pack-opt %S/../passes/pack-greedily-padded.mlir -p 'pack-greedily{packed-sizes=8,0,32 padded-sizes-next-multiple-of=0,10,0}' | iree-opt | filecheck %s --check-prefix=PARSES
// RUN: pack-opt %S/../passes/pack-greedily-mmt4d.mlir --split-input-file -p 'pack-greedily{packed-sizes=8,16,4 mmt4d-layout=true},specialize-mmt4d' | iree-opt --split-input-file | filecheck %s --check-prefix=PARSES-MMT4D

// BASIC: @matmul_mk_kn_mn: MATCH packs=3
// BASIC-NEXT: linalg.pack tensor<1023x255xf32> -> tensor<128x8x32x8xf32> inner_dims_pos=[1, 0] tiles=[32, 8] outer_dims_perm=None padding=True
// BASIC-NEXT: linalg.pack tensor<255x127xf32> -> tensor<8x8x32x16xf32> inner_dims_pos=[0, 1] tiles=[32, 16] outer_dims_perm=None padding=True
// BASIC-NEXT: linalg.pack tensor<1023x127xf32> -> tensor<128x8x8x16xf32> inner_dims_pos=[0, 1] tiles=[8, 16] outer_dims_perm=None padding=True
// BASIC: @matmul_mk_nk_nm: MATCH packs=3
// BASIC: @matmul_mk_nk_nm_transposed: MATCH packs=3
// BASIC: @contraction_bmkm2_nkb_nbm: MATCH packs=3
// BASIC: @conv_2d_nhwc_hwcf: MATCH packs=3
// BASIC-NOT: MISMATCH

// KINDS: @generic_nn: MATCH packs=3
// KINDS: @generic_nt: MATCH packs=3
// KINDS: @generic_tn: MATCH packs=3
// KINDS: @generic_tt: MATCH packs=3
// KINDS: @matmul_transpose_a_b: MATCH packs=3
// KINDS: @matmul_i8_i32: MATCH packs=3
// KINDS: @generic_i8_u8_i32: MATCH packs=3
// KINDS: @generic_bf16_f32: MATCH packs=3
// KINDS: @matmul_f16_f32: MATCH packs=3
// KINDS: @batch_matmul: MATCH packs=3
// KINDS: @extra_parallel_in_lhs: MATCH packs=3
// KINDS: @conv_1x1: MATCH packs=3
// KINDS-NOT: MISMATCH

// PADDED: @divisible: MATCH packs=3
// PADDED: @dynamic: MATCH packs=3
// PADDED: @dynamic_padded: MATCH packs=3
// PADDED: @matmul_mk_nk_nm: MATCH packs=3
// PADDED-NOT: MISMATCH

// REFUSED: @fill: MATCH packs=0
// REFUSED: @matvec: MATCH packs=0
// REFUSED-NEXT: linalg.matvec
// REFUSED: @max_plus_k_divisible: MATCH packs=3

// MMT4D: @matmul_mk_kn: MATCH packs=3
// MMT4D-NEXT: linalg.pack tensor<1023x255xf32> -> tensor<128x64x8x4xf32> inner_dims_pos=[0, 1] tiles=[8, 4] outer_dims_perm=[0, 1] padding=True
// MMT4D-NEXT: linalg.pack tensor<255x127xf32> -> tensor<8x64x16x4xf32> inner_dims_pos=[1, 0] tiles=[16, 4] outer_dims_perm=[1, 0] padding=True
// MMT4D: @matmul_transpose_b: MATCH packs=3
// MMT4D: @batch_matmul: MATCH packs=3
// MMT4D-NOT: MISMATCH

// PARSES-COUNT-3: linalg.pack
// PARSES: linalg.generic
// PARSES: linalg.unpack

// PARSES-MMT4D: linalg.mmt4d
// PARSES-MMT4D: linalg.batch_mmt4d
