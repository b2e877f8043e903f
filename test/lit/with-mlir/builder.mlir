// REQUIRES: iree-opt
// A program written in Python with packdialect.builder (examples/builder_mlp.py:
// a 12-layer MLP, a Python loop over pd.constant weights) prints as MLIR that
// upstream MLIR (iree-opt) parses and verifies; upstream's printing of it
// parses back here and packs to one pack (of the input) and one unpack (of
// the result), every weight packed at compile time.
//
// RUN: python %S/../../../examples/builder_mlp.py --print | iree-opt | filecheck %s --check-prefix=UPSTREAM
// RUN: python %S/../../../examples/builder_mlp.py --print | iree-opt | pack-opt -p 'pack-greedily{packed-sizes=8,16,16 mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | filecheck %s --check-prefix=PACKED

// UPSTREAM-LABEL: func.func @mlp(%{{.+}}: tensor<16x64xf32>) -> tensor<16x64xf32>
// UPSTREAM-COUNT-12: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<16x64xf32>, tensor<64x64xf32>) outs(%{{.+}} : tensor<16x64xf32>) -> tensor<16x64xf32>
// UPSTREAM-NOT:      linalg.matmul
// UPSTREAM:          return

// PACKED-LABEL: func.func @mlp(
// PACKED:         linalg.pack %arg0 {{.*}}inner_tiles = [8, 16] {{.*}}: tensor<16x64xf32> -> tensor<2x4x8x16xf32>
// PACKED-NOT:     linalg.pack
// PACKED-COUNT-12: linalg.mmt4d ins(%{{.+}}, %{{.+}} : tensor<2x4x8x16xf32>, tensor<4x4x16x16xf32>)
// PACKED-NOT:     linalg.pack
// PACKED:         linalg.unpack %{{.+}} {{.*}}: tensor<2x4x8x16xf32> -> tensor<16x64xf32>
// PACKED-NOT:     linalg.unpack
// PACKED-NOT:     linalg.pack
// PACKED:         return
