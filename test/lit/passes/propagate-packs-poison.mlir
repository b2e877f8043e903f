// RUN: pack-opt %s -p 'propagate-packs{poison-padding=true}' | filecheck %s

// poison-padding=true declares padded elements don't-care: a pack with a
// padding value may move, and packs the rewrite creates may pad (with zero, a
// refinement of upstream's ub.poison). Bodies here map 0 to 0, so the padded
// elements also agree numerically before and after.

// CHECK-LABEL: func.func @bubble_padded_pack(
// CHECK-SAME:      %[[X:.+]]: tensor<15x64xf32>
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] padding_value(%[[ZERO]] : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %{{.+}} : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[XP]] : tensor<2x4x8x16xf32>)
// CHECK-NOT:     linalg.pack
// CHECK:         return %[[G]]
func.func @bubble_padded_pack(%x: tensor<15x64xf32>) -> tensor<2x4x8x16xf32> {
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

// CHECK-LABEL: func.func @push_padded_unpack(
// CHECK-SAME:      %[[X:.+]]: tensor<2x4x8x16xf32>
// CHECK:         %[[INIT:.+]] = tensor.empty() : tensor<15x64xf32>
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[X]] : tensor<2x4x8x16xf32>)
// CHECK:         %[[U:.+]] = linalg.unpack %[[G]] inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %[[INIT]] : tensor<2x4x8x16xf32> -> tensor<15x64xf32>
// CHECK:         return %[[U]]
func.func @push_padded_unpack(%x: tensor<2x4x8x16xf32>) -> tensor<15x64xf32> {
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

// Dynamic sizes cannot be proven divisible: the new packs pad, the new dest
// sizes come from tensor.dim and arith.ceildivsi.
// CHECK-LABEL: func.func @bubble_dynamic(
// CHECK-SAME:      %[[X:.+]]: tensor<?x?xf32>
// CHECK:         %[[D0:.+]] = arith.ceildivsi
// CHECK:         %[[D1:.+]] = arith.ceildivsi
// CHECK:         %[[DEST:.+]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?x8x2xf32>
// CHECK:         %[[XP:.+]] = linalg.pack %[[X]] padding_value(%{{.+}} : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 2] into %{{.+}} : tensor<?x?xf32> -> tensor<?x?x8x2xf32>
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK-SAME:      ins(%[[XP]] : tensor<?x?x8x2xf32>) outs(%[[DEST]] : tensor<?x?x8x2xf32>)
// CHECK:         return %[[G]]
func.func @bubble_dynamic(%arg0: tensor<?x?xf32>) -> tensor<?x?x8x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %0 = tensor.dim %arg0, %c0 : tensor<?x?xf32>
  %1 = tensor.dim %arg0, %c1 : tensor<?x?xf32>
  %2 = tensor.empty(%0, %1) : tensor<?x?xf32>
  %3 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<?x?xf32>) outs(%2 : tensor<?x?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %4 = arith.addf %a, %a : f32
    linalg.yield %4 : f32
  } -> tensor<?x?xf32>
  %c8 = arith.constant 8 : index
  %c2 = arith.constant 2 : index
  %o0 = arith.ceildivsi %0, %c8 : index
  %o1 = arith.ceildivsi %1, %c2 : index
  %dest = tensor.empty(%o0, %o1) : tensor<?x?x8x2xf32>
  %5 = linalg.pack %3 inner_dims_pos = [0, 1] inner_tiles = [8, 2] into %dest : tensor<?x?xf32> -> tensor<?x?x8x2xf32>
  func.return %5 : tensor<?x?x8x2xf32>
}

// poison-padding does not lift the other refusals.
// CHECK-LABEL: func.func @no_bubble_index(
// CHECK:         %[[G:.+]] = linalg.generic
// CHECK:         linalg.index 1
// CHECK:         linalg.pack %[[G]] padding_value(
func.func @no_bubble_index(%x: tensor<15x64xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<15x64xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<15x64xf32>) outs(%e : tensor<15x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %s = arith.mulf %a, %f : f32
    linalg.yield %s : f32
  } -> tensor<15x64xf32>
  %d = tensor.empty() : tensor<2x4x8x16xf32>
  %p = linalg.pack %g padding_value(%zero : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %d : tensor<15x64xf32> -> tensor<2x4x8x16xf32>
  func.return %p : tensor<2x4x8x16xf32>
}
