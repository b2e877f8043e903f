// REQUIRES: iree-opt
// What pack-opt prints (aliases, short names, arrays) parses in upstream MLIR
// and prints the same maps there.
// RUN: pack-opt %S/../dialect/printer.mlir | iree-opt | filecheck %s

// CHECK:      #map = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-NEXT: #map1 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK:      tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [2, 2, 8]
// CHECK:      linalg.generic {indexing_maps = [#map, #map1]

// Affine expressions and the spacing of affine.apply / linalg.transpose, ...:
// upstream MLIR prints what we print (same CHECK lines).
// RUN: pack-opt %S/../dialect/printer_affine.mlir | iree-opt | filecheck %S/../dialect/printer_affine.mlir
