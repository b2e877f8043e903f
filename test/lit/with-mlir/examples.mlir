// REQUIRES: iree-opt
// Every example program: our printed output (custom and generic form) parses
// and verifies in upstream MLIR (iree-opt), and upstream's printing of it
// parses back here. The CHECK lines pin the op each example is about.
// RUN: pack-opt %examples/batch_matmul.mlir | iree-opt | filecheck %s --check-prefix=BMM
// RUN: pack-opt %examples/batch_matmul.mlir --print-op-generic | iree-opt | pack-opt --mlir-print-local-scope | filecheck %s --check-prefix=BMM
// RUN: pack-opt %examples/matmul_transposed.mlir | iree-opt | filecheck %s --check-prefix=TT
// RUN: pack-opt %examples/matmul_transposed.mlir --print-op-generic | iree-opt | pack-opt --mlir-print-local-scope | filecheck %s --check-prefix=TT
// RUN: pack-opt %examples/matmul_i8.mlir | iree-opt | filecheck %s --check-prefix=I8
// RUN: pack-opt %examples/matmul_i8.mlir --print-op-generic | iree-opt | pack-opt --mlir-print-local-scope | filecheck %s --check-prefix=I8
// RUN: pack-opt %examples/conv_nhwc.mlir | iree-opt | filecheck %s --check-prefix=CONV
// RUN: pack-opt %examples/conv_nhwc.mlir --print-op-generic | iree-opt | pack-opt --mlir-print-local-scope | filecheck %s --check-prefix=CONV
// RUN: pack-opt %examples/softmax.mlir | iree-opt | filecheck %s --check-prefix=SOFTMAX
// RUN: pack-opt %examples/softmax.mlir --print-op-generic | iree-opt | pack-opt --mlir-print-local-scope | filecheck %s --check-prefix=SOFTMAX
// RUN: pack-opt %examples/mlp.mlir | iree-opt | filecheck %s --check-prefix=MLP

// BMM-LABEL: func.func @batch_matmul(
// BMM:         linalg.batch_matmul ins(%{{.+}}, %{{.+}} : tensor<4x32x24xf32>, tensor<4x24x16xf32>) outs(%{{.+}} : tensor<4x32x16xf32>) -> tensor<4x32x16xf32>

// TT-LABEL: func.func @matmul_tt(
// TT:         linalg.generic {indexing_maps = [{{.+}}], iterator_types = ["parallel", "parallel", "reduction"]}
// TT:         arith.mulf
// TT:         arith.addf

// I8-LABEL: func.func @matmul_i8(
// I8:         arith.extsi %{{.+}} : i8 to i32
// I8:         arith.muli
// I8:         -> tensor<32x16xi32>

// CONV-LABEL: func.func @conv(
// CONV:         linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%{{.+}}, %{{.+}} : tensor<1x10x10x8xf32>, tensor<3x3x8x16xf32>)

// SOFTMAX-LABEL: func.func @softmax(
// SOFTMAX:         arith.maximumf
// SOFTMAX:         math.exp
// SOFTMAX:         arith.divf

// MLP-LABEL: func.func @mlp(
// MLP-COUNT-3:   linalg.matmul
