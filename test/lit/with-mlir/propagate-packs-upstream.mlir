// REQUIRES: iree-opt
//
// Conformance with upstream MLIR: the compare script runs iree-opt's
// `transform.apply_patterns.<set>` + `--canonicalize` and our pass +
// `canonicalize` on the same input, and compares per function every pack /
// unpack (types, positions, tiles, permutation, padding) and every
// linalg.generic (maps, iterators, types); then runs both outputs with the
// numpy interpreter on the same random inputs.
//
// Data-layout propagation: every positive and refusal case agrees.
// Excluded, where upstream is wrong: it keeps the iterator types in place when
// an outer permutation moves a reduction loop, and does not rename a compound
// map result like d1 + d2 when it permutes loops. Also excluded: the pad along
// a packed dim that propagation refuses to cross, because our `canonicalize`
// then folds the pad into the pack (upstream keeps that fold in a separate
// pattern set; the fold itself is compared in the FOLD run below). And, on
// purpose beyond upstream: an unpack pushed down through a reduction of its
// tiled dim, and a generic with two unpacked operands (attention, LayerNorm).
// RUN: python %S/Inputs/compare_propagation.py %S/../passes/propagate-packs.mlir --exclude push_perm_with_reduction,bubble_compound_untiled,no_bubble_pad_tiled,push_tiled_reduction,push_two_unpacks | filecheck %s --check-prefix=DLP
//
// The fold-into patterns (upstream's legacy name tensor.fold_into_pack_and_unpack).
// Excluded: upstream folds a pad of an untiled dim into a pack and produces
// a pack its own verifier rejects ("expected 'tensor<2x60x8xf32>' for the
// packed domain value"); we refuse that fold.
// RUN: python %S/Inputs/compare_propagation.py %S/../passes/pack-folds-fold-into.mlir --patterns tensor.fold_into_pack_and_unpack --ours fold-into-pack-unpack --exclude no_fold_pad_pack_untiled | filecheck %s --check-prefix=FOLD
//
// canonicalize alone. Excluded, on purpose beyond upstream: dense constants
// are packed at compile time (upstream folds splats only), and unpack(pack(x))
// folds when the pack pads a static shape.
// RUN: python %S/Inputs/compare_propagation.py %S/../passes/pack-folds-canonicalize.mlir --patterns none --ours none --exclude fold_unpack_pack,fold_constant_dense,fold_constant_transposed_padded,fold_constant_types,fold_constant_unpack | filecheck %s --check-prefix=CANON
//
// The hand-written packed network gives the same generics, packs and values; upstream
// also keeps the packs of the 3 weights and 2 biases, which we fold.
// RUN: python %S/Inputs/compare_propagation.py %S/../passes/propagate-packs-mlp.mlir --constant-packs | filecheck %s --check-prefix=MLP
//
// Our output parses and verifies in upstream MLIR.
// RUN: pack-opt %S/../passes/propagate-packs.mlir -p propagate-packs | iree-opt | filecheck %s --check-prefix=PARSES
// RUN: pack-opt %S/../passes/pack-folds-fold-into.mlir -p fold-into-pack-unpack | iree-opt | filecheck %s --check-prefix=PARSES-FOLD
// RUN: pack-opt %examples/mlp.mlir -p 'pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | iree-opt | filecheck %s --check-prefix=PARSES-MLP

// DLP: @bubble_elementwise: MATCH packs=1 unpacks=0
// DLP: @bubble_broadcast: MATCH packs=2 unpacks=0
// DLP: @bubble_transposed: MATCH packs=1 unpacks=0
// DLP: @bubble_reduction: MATCH packs=2 unpacks=0
// DLP: @no_bubble_index: MATCH
// DLP: @no_bubble_two_results: MATCH
// DLP: @no_bubble_two_uses: MATCH
// DLP: @no_bubble_padding: MATCH
// DLP: @no_bubble_compound: MATCH
// DLP: @no_bubble_dominance: MATCH
// DLP: @bubble_pad: MATCH
// DLP: @bubble_collapse: MATCH
// DLP: @no_bubble_collapse: MATCH
// DLP: @bubble_expand: MATCH
// DLP: @no_bubble_expand: MATCH
// DLP: @push_elementwise: MATCH packs=0 unpacks=1
// DLP: @push_broadcast: MATCH packs=1 unpacks=1
// DLP: @push_outer_perm: MATCH
// DLP: @push_reduction: MATCH
// DLP: @no_push_padded_reduction: MATCH
// DLP: @no_push_padding: MATCH
// DLP: @push_pad: MATCH
// DLP: @no_push_pad_tiled: MATCH
// DLP: @push_expand: MATCH
// DLP: @no_push_expand: MATCH
// DLP: @bubble_spelled_identity_perm: MATCH packs=1 unpacks=0
// DLP: @push_spelled_identity_perm: MATCH packs=0 unpacks=1
// DLP-NOT: MISMATCH

// FOLD: @fold_pad_pack: MATCH packs=1 unpacks=0
// FOLD: @fold_transpose_pack: MATCH packs=1 unpacks=0
// FOLD: @fold_unpack_slice: MATCH packs=0 unpacks=1
// FOLD-NOT: MISMATCH

// CANON: @fold_pack_unpack: MATCH packs=0 unpacks=0
// CANON: @fold_pack_fill: MATCH packs=0 unpacks=0
// CANON: @fold_constant_splat: MATCH packs=0 unpacks=0
// CANON: @unpack_into_fill_init: MATCH packs=0 unpacks=1
// CANON: @fold_cast_pack: MATCH packs=1 unpacks=0
// CANON: @fold_cast_unpack: MATCH packs=0 unpacks=1
// CANON: @fold_cast_pack_cast_back: MATCH packs=1 unpacks=0
// CANON: @no_fold_refining_cast_pack: MATCH packs=1 unpacks=0
// CANON-NOT: MISMATCH

// MLP: @mlp: MATCH packs=1 unpacks=1 (upstream keeps 5 packs of constants)

// PARSES: func.func @bubble_elementwise
// PARSES-FOLD: func.func @fold_pad_pack
// PARSES-MLP: linalg.mmt4d
