// linalg-to-loops refuses dynamic shapes at the op.
// RUN: pack-opt %s --verify-diagnostics -p linalg-to-loops
// RUN: pack-opt %s --print-diagnostics -p linalg-to-loops | filecheck %s

func.func @dynamic(%a: memref<?xf32>, %o: memref<?xf32>) {
  // CHECK: linalg-to-loops-errors.mlir:[[# @LINE + 2]]:3: error: linalg-to-loops: the extent of loop d0 of 'linalg.generic' is not static (dynamic shapes are not supported)
  // expected-error @+1 {{the extent of loop d0 of 'linalg.generic' is not static}}
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%a : memref<?xf32>) outs(%o : memref<?xf32>) {
  ^bb0(%x: f32, %z: f32):
    linalg.yield %x : f32
  }
  return
}
