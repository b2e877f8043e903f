// RUN: pack-opt %s --verify-diagnostics -p linalg-to-loops | filecheck %s

// CHECK: error: linalg-to-loops: the extent of loop d0 of 'linalg.generic' is not static (dynamic shapes are not supported)
func.func @dynamic(%a: memref<?xf32>, %o: memref<?xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%a : memref<?xf32>) outs(%o : memref<?xf32>) {
  ^bb0(%x: f32, %z: f32):
    linalg.yield %x : f32
  }
  return
}
