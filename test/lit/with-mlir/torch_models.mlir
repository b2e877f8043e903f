// REQUIRES: iree-opt
// The PyTorch models of examples/torch: our printing (dense_resource weights in
// the dialect_resources section, cf.assert, depthwise convolutions) parses in
// upstream MLIR, before and after packing.
// RUN: pack-opt %examples/torch/mlp.mlir | iree-opt | filecheck %s --check-prefix=MLP
// RUN: pack-opt %examples/torch/mlp.mlir -p 'pack-greedily{mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | iree-opt | filecheck %s --check-prefix=MLP
// RUN: pack-opt %examples/torch/mobilenet_block.mlir | iree-opt | filecheck %s --check-prefix=MOBILENET-BLOCK
// RUN: pack-opt %examples/torch/mobilenet_block.mlir -p 'pack-greedily{mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | iree-opt | filecheck %s --check-prefix=MOBILENET-BLOCK
// RUN: pack-opt %examples/torch/encoder_block.mlir | iree-opt | filecheck %s --check-prefix=ENCODER-BLOCK
// RUN: pack-opt %examples/torch/encoder_block.mlir -p 'pack-greedily{mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | iree-opt | filecheck %s --check-prefix=ENCODER-BLOCK
// RUN: pack-opt %examples/torch/resnet_block.mlir | iree-opt | filecheck %s --check-prefix=RESNET-BLOCK
// RUN: pack-opt %examples/torch/resnet_block.mlir -p 'pack-greedily{mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | iree-opt | filecheck %s --check-prefix=RESNET-BLOCK
// RUN: pack-opt %examples/torch/batch_matmul.mlir | iree-opt | filecheck %s --check-prefix=BATCH-MATMUL
// RUN: pack-opt %examples/torch/batch_matmul.mlir -p 'pack-greedily{mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | iree-opt | filecheck %s --check-prefix=BATCH-MATMUL
// RUN: pack-opt %examples/torch/matmul.mlir | iree-opt | filecheck %s --check-prefix=MATMUL
// RUN: pack-opt %examples/torch/matmul.mlir -p 'pack-greedily{mmt4d-layout=true},propagate-packs,canonicalize,specialize-mmt4d' | iree-opt | filecheck %s --check-prefix=MATMUL

// MLP-LABEL: func.func @mlp(
// MOBILENET-BLOCK-LABEL: func.func @mobilenet_block(
// ENCODER-BLOCK-LABEL: func.func @encoder_block(
// RESNET-BLOCK-LABEL: func.func @resnet_block(
// BATCH-MATMUL-LABEL: func.func @batch_matmul(
// MATMUL-LABEL: func.func @matmul(
// MOBILENET-BLOCK: linalg.depthwise_conv_2d_nchw_chw
// MOBILENET-BLOCK: cf.assert %{{.+}}, "unimplemented: tensor with zero element"
// MLP: dialect_resources
