// RUN: pack-opt %s -p propagate-packs | filecheck %s

// Data-layout propagation: one positive and one refusal case per pattern.
// The refusals mirror upstream's (DataLayoutPropagation.cpp).

// Bubble a pack up through an elementwise generic.
// CHECK-DAG: #[[MAP1:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[MAP2:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[MAP3:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[MAP4:map[0-9]*]] = affine_map<(d0, d1) -> (d0 + d1)>
// CHECK-DAG: #[[MAP5:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[MAP6:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MAP7:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0 + d2, d3)>
// CHECK-DAG: #[[MAP8:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[MAP9:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @bubble_elementwise(
// CHECK-SAME:      %[[X:.+]]: tensor<16x64xf32>
// CHECK:         %[[DEST:.+]] = tensor.empty() : tensor<2x4x8x16xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[XP]] : tensor<2x4x8x16xf32>) outs(%[[DEST]] : tensor<2x4x8x16xf32>)
// CHECK-NOT:     linalg.pack
// CHECK:         return %[[G]]
func.func @bubble_elementwise(%x: tensor<16x64xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// A broadcast operand is packed only on the tiled loops it indexes.
// CHECK-LABEL: func.func @bubble_broadcast(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<16x64xf32>, %[[B:[a-z0-9]+]]: tensor<64xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] inner_dims_pos = [0, 1] inner_tiles = [8, 16]
// CHECK:         %[[BP:.+]] = linalg.pack %[[B]] inner_dims_pos = [0] inner_tiles = [16] into %{{.+}} : tensor<64xf32> -> tensor<4x16xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      #[[MAP1]]
// CHECK-SAME:      ins(%[[XP]], %[[BP]] : tensor<2x4x8x16xf32>, tensor<4x16xf32>)
// CHECK-NOT:     linalg.pack
func.func @bubble_broadcast(%x: tensor<16x64xf32>, %b: tensor<64xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %b : tensor<16x64xf32>, tensor<64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// A transposed input map and an outer_dims_perm on the pack: the operand's pack
// spells its (identity) permutation, as upstream's does.
// CHECK-LABEL: func.func @bubble_transposed(
// CHECK-SAME:      %[[X:.+]]: tensor<64x16xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] outer_dims_perm = [0, 1] inner_dims_pos = [1, 0] inner_tiles = [8, 16] into %{{.+}} : tensor<64x16xf32> -> tensor<4x2x8x16xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[MAP2]], #[[MAP2]]]
// CHECK-SAME:      ins(%[[XP]] : tensor<4x2x8x16xf32>)
// CHECK-NOT:     linalg.pack
func.func @bubble_transposed(%x: tensor<64x16xf32>) -> tensor<4x2x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x16xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<4x2x8x16xf32>
  %p = linalg.pack %g outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<4x2x8x16xf32>
  func.return %p : tensor<4x2x8x16xf32>
}

// Reducing over a loop the pack does not tile is fine; the init is read.
// CHECK-LABEL: func.func @bubble_reduction(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<16x64x32xf32>, %[[INIT:[a-z0-9]+]]: tensor<16x64xf32>
// CHECK:         %[[IP:.+]] = linalg.pack %[[INIT]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<16x64x32xf32> -> tensor<2x4x32x8x16xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      #[[MAP3]]
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]
// CHECK-SAME:      ins(%[[XP]] : tensor<2x4x32x8x16xf32>) outs(%[[IP]] : tensor<2x4x8x16xf32>)
func.func @bubble_reduction(%x: tensor<16x64x32xf32>, %init: tensor<16x64xf32>) -> tensor<2x4x8x16xf32> {
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<16x64x32xf32>) outs(%init : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Not propagated: the body reads linalg.index.
// CHECK-LABEL: func.func @no_bubble_index(
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      outs(%{{.+}} : tensor<16x64xf32>)
// CHECK:         linalg.index 0
// CHECK:         linalg.pack %[[G]]
func.func @no_bubble_index(%x: tensor<16x64xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %s = arith.addf %a, %f : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Not propagated: the generic has two results.
// CHECK-LABEL: func.func @no_bubble_two_results(
// CHECK:         %[[G:.+]], %{{.+}} = linalg.generic
// CHECK:         linalg.pack %[[G]] inner_dims_pos
func.func @no_bubble_two_results(%x: tensor<16x64xf32>) -> (tensor<2x4x8x16xf32>, tensor<16x64xf32>) {
  %e = tensor.empty() : tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16x64xf32>
  %g:2 = "linalg.generic"(%x, %e, %e2) <{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = [#linalg.iterator_type<parallel>, #linalg.iterator_type<parallel>], operandSegmentSizes = array<i32: 1, 2>}> ({
  ^bb0(%a: f32, %o: f32, %o2: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s, %a : f32, f32
  }) : (tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>) -> (tensor<16x64xf32>, tensor<16x64xf32>)
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g#0 inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p, %g#1 : tensor<2x4x8x16xf32>, tensor<16x64xf32>
}

// Not propagated: the generic result has another use.
// CHECK-LABEL: func.func @no_bubble_two_uses(
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK:         } -> tensor<16x64xf32>
// CHECK:         %[[P:.+]] = linalg.pack %[[G]]
// CHECK:         return %[[P]], %[[G]]
func.func @no_bubble_two_uses(%x: tensor<16x64xf32>) -> (tensor<2x4x8x16xf32>, tensor<16x64xf32>) {
  %e = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p, %g : tensor<2x4x8x16xf32>, tensor<16x64xf32>
}

// Not propagated: the pack has a padding value (poison-padding is off).
// CHECK-LABEL: func.func @no_bubble_padding(
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK:         } -> tensor<15x64xf32>
// CHECK:         linalg.pack %[[G]] padding_value(
func.func @no_bubble_padding(%x: tensor<15x64xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<15x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<15x64xf32>) outs(%e : tensor<15x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<15x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Not propagated: a tiled loop also appears in a compound map result.
// CHECK-LABEL: func.func @no_bubble_compound(
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      #[[MAP4]]
// CHECK:         linalg.pack %[[G]]
func.func @no_bubble_compound(%x: tensor<80xf32>) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0 + d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<80xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Not propagated: the pack dest is computed after the generic.
// CHECK-LABEL: func.func @no_bubble_dominance(
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK:         %[[D:.+]] = linalg.fill
// CHECK:         linalg.pack %[[G]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %[[D]]
func.func @no_bubble_dominance(%x: tensor<16x64xf32>, %v: f32) -> tensor<2x4x8x16xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xf32>) outs(%e : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %d0 = tensor.empty() : tensor<2x4x8x16xf32>
  %d = linalg.fill ins(%v : f32) outs(%d0 : tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %p = linalg.pack %g inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Bubble a pack up through a pad on an untiled dim.
// CHECK-LABEL: func.func @bubble_pad(
// CHECK-SAME:      %[[X:.+]]: tensor<16x60xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] inner_dims_pos = [0] inner_tiles = [8] into %{{.+}} : tensor<16x60xf32> -> tensor<2x60x8xf32>
// CHECK:         %[[PAD:.+]] = tensor.pad %[[XP]] low[0, 0, 0] high[0, 4, 0]
// CHECK:         } : tensor<2x60x8xf32> to tensor<2x64x8xf32>
// CHECK-NOT:     linalg.pack
// CHECK:         return %[[PAD]]
func.func @bubble_pad(%x: tensor<16x60xf32>) -> tensor<2x64x8xf32> {
  %zero = arith.constant 0.0 : f32
  %pd = tensor.pad %x low[0, 0] high[0, 4] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<16x60xf32> to tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x64x8xf32>
  %p = linalg.pack %pd inner_dims_pos = [0] inner_tiles = [8] into %d : tensor<16x64xf32> -> tensor<2x64x8xf32>
  func.return %p : tensor<2x64x8xf32>
}

// Not propagated: the padded dim is tiled.
// CHECK-LABEL: func.func @no_bubble_pad_tiled(
// CHECK:         %[[PAD:.+]] = tensor.pad
// CHECK:         linalg.pack %[[PAD]] inner_dims_pos = [0, 1]
func.func @no_bubble_pad_tiled(%x: tensor<16x60xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %pd = tensor.pad %x low[0, 0] high[0, 4] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<16x60xf32> to tensor<16x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %pd inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<16x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}

// Bubble a pack up through a collapse_shape (tile the innermost non-unit dim).
// CHECK-LABEL: func.func @bubble_collapse(
// CHECK-SAME:      %[[X:.+]]: tensor<4x16x16xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] inner_dims_pos = [1, 2] inner_tiles = [8, 16] into %{{.+}} : tensor<4x16x16xf32> -> tensor<4x2x1x8x16xf32>
// CHECK:         %[[C:.+]] = tensor.collapse_shape %[[XP]] {{\[}}[0, 1], [2], [3], [4]] : tensor<4x2x1x8x16xf32> into tensor<8x1x8x16xf32>
// CHECK:         return %[[C]]
func.func @bubble_collapse(%x: tensor<4x16x16xf32>) -> tensor<8x1x8x16xf32> {
  %c = tensor.collapse_shape %x [[0, 1], [2]] : tensor<4x16x16xf32> into tensor<64x16xf32>
  %d = tensor.empty() : tensor<8x1x8x16xf32>
  %p = linalg.pack %c inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<64x16xf32> -> tensor<8x1x8x16xf32>
  func.return %p : tensor<8x1x8x16xf32>
}

// Not propagated: the projected dim (4) is not divisible by the tile (8).
// CHECK-LABEL: func.func @no_bubble_collapse(
// CHECK:         %[[C:.+]] = tensor.collapse_shape
// CHECK:         linalg.pack %[[C]]
func.func @no_bubble_collapse(%x: tensor<16x4x16xf32>) -> tensor<8x1x8x16xf32> {
  %c = tensor.collapse_shape %x [[0, 1], [2]] : tensor<16x4x16xf32> into tensor<64x16xf32>
  %d = tensor.empty() : tensor<8x1x8x16xf32>
  %p = linalg.pack %c inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<64x16xf32> -> tensor<8x1x8x16xf32>
  func.return %p : tensor<8x1x8x16xf32>
}

// Bubble a pack up through an expand_shape packing the innermost expanded dim.
// CHECK-LABEL: func.func @bubble_expand(
// CHECK-SAME:      %[[X:.+]]: tensor<8x64xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] inner_dims_pos = [1] inner_tiles = [8] into %{{.+}} : tensor<8x64xf32> -> tensor<8x8x8xf32>
// CHECK:         %[[E:.+]] = tensor.expand_shape %[[XP]] {{\[}}[0], [1, 2], [3]] output_shape [8, 4, 2, 8] : tensor<8x8x8xf32> into tensor<8x4x2x8xf32>
// CHECK:         return %[[E]]
func.func @bubble_expand(%x: tensor<8x64xf32>) -> tensor<8x4x2x8xf32> {
  %x2 = tensor.expand_shape %x [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %d = tensor.empty() : tensor<8x4x2x8xf32>
  %p = linalg.pack %x2 inner_dims_pos = [2] inner_tiles = [8] into %d : tensor<8x4x16xf32> -> tensor<8x4x2x8xf32>
  func.return %p : tensor<8x4x2x8xf32>
}

// Not propagated: the packed dim is not the innermost of its expanded group.
// CHECK-LABEL: func.func @no_bubble_expand(
// CHECK:         %[[E:.+]] = tensor.expand_shape
// CHECK:         linalg.pack %[[E]] inner_dims_pos = [1]
func.func @no_bubble_expand(%x: tensor<8x64xf32>) -> tensor<8x2x16x2xf32> {
  %x2 = tensor.expand_shape %x [[0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
  %d = tensor.empty() : tensor<8x2x16x2xf32>
  %p = linalg.pack %x2 inner_dims_pos = [1] inner_tiles = [2] into %d : tensor<8x4x16xf32> -> tensor<8x2x16x2xf32>
  func.return %p : tensor<8x2x16x2xf32>
}

// Push an unpack down through an elementwise generic.
// CHECK-LABEL: func.func @push_elementwise(
// CHECK-SAME:      %[[X:.+]]: tensor<2x4x8x16xf32>
// CHECK:         %[[INIT:.+]] = tensor.empty() : tensor<16x64xf32>
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[X]] : tensor<2x4x8x16xf32>) outs(%{{.+}} : tensor<2x4x8x16xf32>)
// CHECK:         %[[U:.+]] = linalg.unpack %[[G]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %[[INIT]]
// CHECK:         return %[[U]]
func.func @push_elementwise(%x: tensor<2x4x8x16xf32>) -> tensor<16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<16x64xf32>) outs(%e2 : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<16x64xf32>
  func.return %g : tensor<16x64xf32>
}

// Push an unpack down through a bias add: the bias is packed on its tiled loop.
// CHECK-LABEL: func.func @push_broadcast(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<2x4x8x16xf32>, %[[B:[a-z0-9]+]]: tensor<64xf32>
// CHECK:         %[[BP:.+]] = linalg.pack %[[B]] inner_dims_pos = [0] inner_tiles = [16]
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      #[[MAP1]]
// CHECK-SAME:      ins(%[[X]], %[[BP]] : tensor<2x4x8x16xf32>, tensor<4x16xf32>)
// CHECK:         linalg.unpack %[[G]] inner_dims_pos = [0, 1] inner_tiles = [8, 16]
func.func @push_broadcast(%x: tensor<2x4x8x16xf32>, %b: tensor<64xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%u, %b : tensor<16x64xf32>, tensor<64xf32>) outs(%e2 : tensor<16x64xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  func.return %g : tensor<16x64xf32>
}

// An outer_dims_perm on the unpack becomes a loop permutation.
// CHECK-LABEL: func.func @push_outer_perm(
// CHECK-SAME:      %[[X:.+]]: tensor<4x2x8x16xf32>
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[X]] : tensor<4x2x8x16xf32>)
// CHECK:         linalg.unpack %[[G]] outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 16]
func.func @push_outer_perm(%x: tensor<4x2x8x16xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<4x2x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<16x64xf32>) outs(%e2 : tensor<16x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  func.return %g : tensor<16x64xf32>
}

// A reduction over a loop the unpack does not tile.
// CHECK-LABEL: func.func @push_reduction(
// CHECK-SAME:      %[[X:.+]]: tensor<2x64x8xf32>
// CHECK:         %[[ACC:.+]] = linalg.fill
// CHECK:         %[[ACCP:.+]] = linalg.pack %[[ACC]] inner_dims_pos = [0] inner_tiles = [8] into %{{.+}} : tensor<16xf32> -> tensor<2x8xf32>
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME:      ins(%[[X]] : tensor<2x64x8xf32>) outs(%[[ACCP]] : tensor<2x8xf32>)
// CHECK:         linalg.unpack %[[G]] inner_dims_pos = [0] inner_tiles = [8] into %[[ACC]]
func.func @push_reduction(%x: tensor<2x64x8xf32>) -> tensor<16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0] inner_tiles = [8] into %e : tensor<2x64x8xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%u : tensor<16x64xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  func.return %g : tensor<16xf32>
}

// Beyond upstream: the unpack tiles the reduced loop (no padding needed): the
// generic reduces over the outer and the point loop (softmax, LayerNorm).
// CHECK-LABEL: func.func @push_tiled_reduction(
// CHECK-SAME:      %[[X:.+]]: tensor<16x4x16xf32>
// CHECK-NOT:     linalg.unpack
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "reduction", "reduction"]
// CHECK-SAME:      ins(%[[X]] : tensor<16x4x16xf32>)
func.func @push_tiled_reduction(%x: tensor<16x4x16xf32>) -> tensor<16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [1] inner_tiles = [16] into %e : tensor<16x4x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%u : tensor<16x64xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  func.return %g : tensor<16xf32>
}

// Not propagated: the tiled reduced loop would be padded (a max would read
// the padding).
// CHECK-LABEL: func.func @no_push_padded_reduction(
// CHECK:         %[[U:.+]] = linalg.unpack
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[U]] : tensor<16x60xf32>)
func.func @no_push_padded_reduction(%x: tensor<16x4x16xf32>) -> tensor<16xf32> {
  %low = arith.constant -3.0e+38 : f32
  %e = tensor.empty() : tensor<16x60xf32>
  %u = linalg.unpack %x inner_dims_pos = [1] inner_tiles = [16] into %e : tensor<16x4x16xf32> -> tensor<16x60xf32>
  %e2 = tensor.empty() : tensor<16xf32>
  %acc = linalg.fill ins(%low : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%u : tensor<16x60xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.maximumf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  func.return %g : tensor<16xf32>
}

// Beyond upstream: two operands come from unpacks with one layout: both are
// read packed and one unpack follows (residual adds, normalizations).
// CHECK-LABEL: func.func @push_two_unpacks(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<2x4x8x16xf32>, %[[Y:[a-z0-9]+]]: tensor<2x4x8x16xf32>
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[X]], %[[Y]] : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>)
// CHECK:         linalg.unpack %[[G]]
func.func @push_two_unpacks(%x: tensor<2x4x8x16xf32>, %y: tensor<2x4x8x16xf32>) -> tensor<16x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e1 = tensor.empty() : tensor<16x64xf32>
  %v = linalg.unpack %y inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e1 : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%u, %v : tensor<16x64xf32>, tensor<16x64xf32>) outs(%e2 : tensor<16x64xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  func.return %g : tensor<16x64xf32>
}

// Not propagated: the unpack drops padding, so the packed init would need some.
// CHECK-LABEL: func.func @no_push_padding(
// CHECK:         %[[U:.+]] = linalg.unpack {{.+}} -> tensor<15x64xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%[[U]] : tensor<15x64xf32>)
func.func @no_push_padding(%x: tensor<2x4x8x16xf32>) -> tensor<15x64xf32> {
  %e = tensor.empty() : tensor<15x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<15x64xf32>
  %e2 = tensor.empty() : tensor<15x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<15x64xf32>) outs(%e2 : tensor<15x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<15x64xf32>
  func.return %g : tensor<15x64xf32>
}

// Push an unpack down through a pad on an untiled dim.
// CHECK-LABEL: func.func @push_pad(
// CHECK-SAME:      %[[X:.+]]: tensor<2x60x8xf32>
// CHECK:         %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0] high[0, 3, 0]
// CHECK:         } : tensor<2x60x8xf32> to tensor<2x64x8xf32>
// CHECK:         %[[U:.+]] = linalg.unpack %[[PAD]] inner_dims_pos = [0] inner_tiles = [8] into %{{.+}} : tensor<2x64x8xf32> -> tensor<16x64xf32>
// CHECK:         return %[[U]]
func.func @push_pad(%x: tensor<2x60x8xf32>) -> tensor<16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x60xf32>
  %u = linalg.unpack %x inner_dims_pos = [0] inner_tiles = [8] into %e : tensor<2x60x8xf32> -> tensor<16x60xf32>
  %pd = tensor.pad %u low[0, 1] high[0, 3] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<16x60xf32> to tensor<16x64xf32>
  func.return %pd : tensor<16x64xf32>
}

// Not propagated: the pad pads the tiled dim.
// CHECK-LABEL: func.func @no_push_pad_tiled(
// CHECK:         %[[U:.+]] = linalg.unpack
// CHECK:         tensor.pad %[[U]] low[0, 0] high[4, 0]
func.func @no_push_pad_tiled(%x: tensor<2x60x8xf32>) -> tensor<20x60xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x60xf32>
  %u = linalg.unpack %x inner_dims_pos = [0] inner_tiles = [8] into %e : tensor<2x60x8xf32> -> tensor<16x60xf32>
  %pd = tensor.pad %u low[0, 0] high[4, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<16x60xf32> to tensor<20x60xf32>
  func.return %pd : tensor<20x60xf32>
}

// Push an unpack down through an expand_shape.
// CHECK-LABEL: func.func @push_expand(
// CHECK-SAME:      %[[X:.+]]: tensor<2x4x8x16xf32>
// CHECK:         %[[E:.+]] = tensor.expand_shape %[[X]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 1, 4, 8, 16]
// CHECK:         %[[U:.+]] = linalg.unpack %[[E]] inner_dims_pos = [1, 2] inner_tiles = [8, 16] into %{{.+}} : tensor<2x1x4x8x16xf32> -> tensor<2x8x64xf32>
// CHECK:         return %[[U]]
func.func @push_expand(%x: tensor<2x4x8x16xf32>) -> tensor<2x8x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %x2 = tensor.expand_shape %u [[0, 1], [2]] output_shape [2, 8, 64] : tensor<16x64xf32> into tensor<2x8x64xf32>
  func.return %x2 : tensor<2x8x64xf32>
}

// Not propagated: the projected dim (4) is not divisible by the tile (8).
// CHECK-LABEL: func.func @no_push_expand(
// CHECK:         %[[U:.+]] = linalg.unpack
// CHECK:         tensor.expand_shape %[[U]]
func.func @no_push_expand(%x: tensor<2x4x8x16xf32>) -> tensor<4x4x64xf32> {
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %e : tensor<2x4x8x16xf32> -> tensor<16x64xf32>
  %x2 = tensor.expand_shape %u [[0, 1], [2]] output_shape [4, 4, 64] : tensor<16x64xf32> into tensor<4x4x64xf32>
  func.return %x2 : tensor<4x4x64xf32>
}

// Beyond upstream: the outer permutation moves a reduction loop, and the
// iterator types move with it (upstream keeps them in place, which marks the
// loop of the reduced 64 as parallel).
// CHECK-LABEL: func.func @push_perm_with_reduction(
// CHECK-SAME:      %[[X:.+]]: tensor<64x2x8xf32>
// CHECK:         %[[ACC:.+]] = linalg.fill
// CHECK:         %[[G:.+]] = linalg.generic {indexing_maps = [#[[MAP5]], #[[MAP6]]], iterator_types = ["reduction", "parallel", "parallel"]}
// CHECK-SAME:      ins(%[[X]] : tensor<64x2x8xf32>)
// CHECK:         linalg.unpack %[[G]] outer_dims_perm = [0] inner_dims_pos = [0] inner_tiles = [8] into %[[ACC]] : tensor<2x8xf32> -> tensor<16xf32>
func.func @push_perm_with_reduction(%x: tensor<64x2x8xf32>) -> tensor<16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %u = linalg.unpack %x outer_dims_perm = [1, 0] inner_dims_pos = [0] inner_tiles = [8] into %e : tensor<64x2x8xf32> -> tensor<16x64xf32>
  %e2 = tensor.empty() : tensor<16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e2 : tensor<16xf32>) -> tensor<16xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%u : tensor<16x64xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  func.return %g : tensor<16xf32>
}

// Beyond upstream: a compound map result on untiled loops (a 1-D convolution
// window d1 + d2) is renamed with the loop permutation (upstream leaves it
// unrenamed and reads the wrong elements).
// CHECK-LABEL: func.func @bubble_compound_untiled(
// CHECK-SAME:      %[[X:[a-z0-9]+]]: tensor<16x11xf32>, %[[W:[a-z0-9]+]]: tensor<4xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] outer_dims_perm = [0, 1] inner_dims_pos = [0] inner_tiles = [8] into %{{.+}} : tensor<16x11xf32> -> tensor<2x11x8xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[MAP7]], #[[MAP8]], #[[MAP9]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME:      ins(%[[XP]], %[[W]] : tensor<2x11x8xf32>, tensor<4xf32>)
func.func @bubble_compound_untiled(%x: tensor<16x11xf32>, %w: tensor<4xf32>) -> tensor<8x2x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<16x8xf32>) -> tensor<16x8xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1 + d2)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<16x11xf32>, tensor<4xf32>) outs(%acc : tensor<16x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %m, %o : f32
    linalg.yield %s : f32
  } -> tensor<16x8xf32>
  %d = tensor.empty() : tensor<8x2x8xf32>
  %p = linalg.pack %g outer_dims_perm = [1, 0] inner_dims_pos = [0] inner_tiles = [8] into %d : tensor<16x8xf32> -> tensor<8x2x8xf32>
  func.return %p : tensor<8x2x8xf32>
}

// A spelled identity permutation (a 1-D pack's `outer_dims_perm = [0]`) is
// kept on the packs and unpacks propagation builds, as upstream keeps it.
// CHECK-LABEL: func.func @bubble_spelled_identity_perm(
// CHECK:         linalg.pack %{{.+}} outer_dims_perm = [0] inner_dims_pos = [0] inner_tiles = [8]
// CHECK:         linalg.generic
func.func @bubble_spelled_identity_perm(%a: tensor<64xf32>) -> tensor<8x8xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %y: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<64xf32>
  %d = tensor.empty() : tensor<8x8xf32>
  %p = linalg.pack %g outer_dims_perm = [0] inner_dims_pos = [0] inner_tiles = [8] into %d : tensor<64xf32> -> tensor<8x8xf32>
  return %p : tensor<8x8xf32>
}

// CHECK-LABEL: func.func @push_spelled_identity_perm(
// CHECK:         linalg.generic
// CHECK:         linalg.unpack %{{.+}} outer_dims_perm = [0] inner_dims_pos = [0] inner_tiles = [8]
func.func @push_spelled_identity_perm(%a: tensor<8x8xf32>) -> tensor<64xf32> {
  %d = tensor.empty() : tensor<64xf32>
  %u = linalg.unpack %a outer_dims_perm = [0] inner_dims_pos = [0] inner_tiles = [8] into %d : tensor<8x8xf32> -> tensor<64xf32>
  %e = tensor.empty() : tensor<64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%u : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %y: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<64xf32>
  return %g : tensor<64xf32>
}
