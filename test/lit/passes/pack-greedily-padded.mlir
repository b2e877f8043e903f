// RUN: pack-opt %s -p 'pack-greedily{packed-sizes=8,0,32 padded-sizes-next-multiple-of=0,10,0 inner-dims-order=1,2,0}' | filecheck %s --check-prefix=PAD
// RUN: pack-opt %s -p 'pack-greedily{packed-sizes=0,0,32 padded-sizes-next-multiple-of=0,10,0 inner-dims-order=1,2,0}' | filecheck %s --check-prefix=MATVEC
// RUN: pack-opt %s -p 'pack-greedily{packed-sizes=8,16,32 inner-dims-order=1,2,0}' | filecheck %s --check-prefix=DYN

// padded-sizes-next-multiple-of: n (127) is not tiled by a size but padded to
// the next multiple of 10, one tile of 130 (upstream's example).
// PAD-DAG: #[[MAP5:map[0-9]*]] = affine_map<()[s0] -> ((s0 ceildiv 10) * 10)>
//  PAD-LABEL: func.func @matmul_mk_nk_nm(
//        PAD:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [32, 8]
//   PAD-SAME:     : tensor<1023x255xf32> -> tensor<128x8x32x8xf32>
//        PAD:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [32, 130]
//   PAD-SAME:     : tensor<127x255xf32> -> tensor<1x8x32x130xf32>
//        PAD:   linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [8, 130]
//   PAD-SAME:     : tensor<127x1023xf32> -> tensor<1x128x8x130xf32>
//        PAD:   linalg.generic
//   PAD-SAME:     iterator_types = ["reduction", "parallel", "parallel", "reduction", "parallel", "parallel"]
//   PAD-SAME:     ins(%{{.+}} : tensor<128x8x32x8xf32>, tensor<1x8x32x130xf32>)
//   PAD-SAME:     outs(%{{.+}} : tensor<1x128x8x130xf32>)

// Neither packed nor padded, m stays whole: only kk and nn are added.
// MATVEC-DAG: #[[MAP1:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d0, d3)>
// MATVEC-DAG: #[[MAP2:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d0, d3, d4)>
// MATVEC-DAG: #[[MAP3:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d1, d4)>
//  MATVEC-LABEL: func.func @matmul_mk_nk_nm(
//        MATVEC:   linalg.generic
//   MATVEC-SAME:     indexing_maps = [#[[MAP1]],
//   MATVEC-SAME:                      #[[MAP2]],
//   MATVEC-SAME:                      #[[MAP3]]]
//   MATVEC-SAME:     iterator_types = ["reduction", "parallel", "parallel", "reduction", "parallel"]
//   MATVEC-SAME:     ins(%{{.+}} : tensor<1023x8x32xf32>, tensor<1x8x32x130xf32>)
//   MATVEC-SAME:     outs(%{{.+}} : tensor<1x1023x130xf32>)
func.func @matmul_mk_nk_nm(%A : tensor<1023x255xf32>, %B : tensor<127x255xf32>, %C : tensor<127x1023xf32>) -> tensor<127x1023xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, m)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<1023x255xf32>, tensor<127x255xf32>) outs(%C : tensor<127x1023xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<127x1023xf32>
  return %0 : tensor<127x1023xf32>
}

// Divisible static sizes: no padding_value (upstream's no_padding_on_packs).
// DYN-DAG: #[[MAP4:map[0-9]*]] = affine_map<()[s0] -> (s0 ceildiv 8)>
//  DYN-LABEL: func.func @divisible(
//   DYN-NOT:    padding_value
//       DYN:    linalg.pack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [32, 8]
//  DYN-SAME:      : tensor<64x64xf32> -> tensor<8x2x32x8xf32>
//       DYN:    return
func.func @divisible(%A : tensor<64x64xf32>, %B : tensor<64x64xf32>, %C : tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<64x64xf32>, tensor<64x64xf32>) outs(%C : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// Dynamic sizes: the packed outer dims are computed with affine.apply and
// every pack gets a zero padding value.
//  DYN-LABEL: func.func @dynamic(
//  DYN-SAME:      %[[A:.+]]: tensor<?x255xf32>, %[[B:.+]]: tensor<255x?xf32>, %[[C:.+]]: tensor<?x?xf32>)
//       DYN:    %[[C0:.+]] = arith.constant 0 : index
//       DYN:    %[[M:.+]] = tensor.dim %[[A]], %[[C0]] : tensor<?x255xf32>
//       DYN:    %[[MO:.+]] = affine.apply #[[MAP4]]{{ ?}}()[%[[M]]]
//       DYN:    %[[A_DEST:.+]] = tensor.empty(%[[MO]]) : tensor<?x8x32x8xf32>
//       DYN:    linalg.pack %[[A]] padding_value(%{{.+}} : f32) inner_dims_pos = [1, 0] inner_tiles = [32, 8] into %[[A_DEST]]
//  DYN-SAME:      : tensor<?x255xf32> -> tensor<?x8x32x8xf32>
//       DYN:    linalg.pack %[[B]] padding_value(%{{.+}} : f32) inner_dims_pos = [0, 1] inner_tiles = [32, 16]
//  DYN-SAME:      : tensor<255x?xf32> -> tensor<8x?x32x16xf32>
//       DYN:    tensor.empty(%{{.+}}, %{{.+}}) : tensor<?x?x8x16xf32>
//       DYN:    linalg.pack %[[C]] padding_value(%{{.+}} : f32) inner_dims_pos = [0, 1] inner_tiles = [8, 16]
//       DYN:    linalg.generic
//  DYN-SAME:      outs(%{{.+}} : tensor<?x?x8x16xf32>)
//       DYN:    linalg.unpack %{{.+}} inner_dims_pos = [0, 1] inner_tiles = [8, 16] into %[[C]] : tensor<?x?x8x16xf32> -> tensor<?x?xf32>
func.func @dynamic(%A : tensor<?x255xf32>, %B : tensor<255x?xf32>, %C : tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<?x255xf32>, tensor<255x?xf32>) outs(%C : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// A dynamic n padded to the next multiple of 10: the tile itself is an SSA
// value, `(n ceildiv 10) * 10`, and the outer dims divide by it (with
// arith.ceildivsi: upstream's composed map is semi-affine, which xDSL cannot
// parse back).
//  PAD-LABEL: func.func @dynamic_padded(
//  PAD-SAME:      %[[A:.+]]: tensor<?x255xf32>, %[[B:.+]]: tensor<?x255xf32>, %[[C:.+]]: tensor<?x?xf32>)
//       PAD:    %[[N:.+]] = tensor.dim %[[B]], %{{.+}} : tensor<?x255xf32>
//       PAD:    %[[NT:.+]] = affine.apply #[[MAP5]]{{ ?}}()[%[[N]]]
//       PAD:    %[[NB:.+]] = tensor.dim %[[B]], %{{.+}} : tensor<?x255xf32>
//       PAD:    %[[NO:.+]] = arith.ceildivsi %[[NB]], %[[NT]] : index
//       PAD:    %[[B_DEST:.+]] = tensor.empty(%[[NO]], %[[NT]]) : tensor<?x8x32x?xf32>
//       PAD:    linalg.pack %[[B]] padding_value(%{{.+}} : f32) inner_dims_pos = [1, 0] inner_tiles = [32, %[[NT]]] into %[[B_DEST]]
//  PAD-SAME:      : tensor<?x255xf32> -> tensor<?x8x32x?xf32>
//       PAD:    linalg.pack %[[C]] padding_value(%{{.+}} : f32) inner_dims_pos = [1, 0] inner_tiles = [8, %[[NT]]]
//  PAD-SAME:      : tensor<?x?xf32> -> tensor<?x?x8x?xf32>
//       PAD:    linalg.unpack %{{.+}} inner_dims_pos = [1, 0] inner_tiles = [8, %[[NT]]] into %[[C]]
func.func @dynamic_padded(%A : tensor<?x255xf32>, %B : tensor<?x255xf32>, %C : tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, m)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%A, %B : tensor<?x255xf32>, tensor<?x255xf32>) outs(%C : tensor<?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %d = arith.mulf %a, %b : f32
    %e = arith.addf %c, %d : f32
    linalg.yield %e : f32
  } -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
