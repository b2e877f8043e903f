// RUN: pack-opt %s -p canonicalize | filecheck %s
// RUN: pack-opt %s -p canonicalize | pack-opt | filecheck %s

// dense_resource<...> constants fold like dense<...> ones: a pack of one is
// computed at compile time into a new blob of the resources section, printed
// back with the section (and the printed text parses back).

// CHECK-LABEL: func.func @pack_resource(
// CHECK-NEXT:    %[[C:.+]] = arith.constant dense_resource<w_0> : tensor<1x2x2x2xf32>
// CHECK-NEXT:    return %[[C]]
func.func @pack_resource() -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense_resource<w> : tensor<2x4xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %p = linalg.pack %w inner_dims_pos = [0, 1] inner_tiles = [2, 2] into %e : tensor<2x4xf32> -> tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}

// The unused original is dropped; the packed blob holds 0 1 4 5 2 3 6 7.
// CHECK:       {-#
// CHECK-NEXT:    dialect_resources: {
// CHECK-NEXT:      builtin: {
// CHECK-NEXT:        w_0: "0x04000000000000000000803F000080400000A04000000040000040400000C0400000E040"
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:  #-}

{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E040"
    }
  }
#-}
