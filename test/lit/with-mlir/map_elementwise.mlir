// REQUIRES: iree-opt
// linalg.map, linalg.elementwise and linalg.generic through an alias or with
// several results: what we print parses in upstream MLIR (custom and generic
// form), what it prints parses here, and both sides verify the same errors.
// RUN: pack-opt %S/../dialect/map_elementwise.mlir | iree-opt | pack-opt | filecheck %S/../dialect/map_elementwise.mlir
// RUN: pack-opt %S/../dialect/map_elementwise.mlir --print-op-generic | iree-opt --mlir-print-op-generic | pack-opt | filecheck %S/../dialect/map_elementwise.mlir
// RUN: pack-opt %S/../dialect/generic_syntax.mlir | iree-opt | pack-opt | filecheck %S/../dialect/generic_syntax.mlir
// RUN: iree-opt %S/../dialect/generic_syntax.mlir | pack-opt | filecheck %S/../dialect/generic_syntax.mlir
