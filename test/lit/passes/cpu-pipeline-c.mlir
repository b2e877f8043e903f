// The pipeline's output is C that compiles cleanly with -Wall -Werror.
// REQUIRES: cc
// RUN: pack-opt %s -p 'cpu-pipeline{target=host threads=2}' -t c > %t.c
// RUN: cc -std=c11 -O2 -march=native -fopenmp -Wall -Werror -c %t.c -o %t.o
// RUN: filecheck %s < %t.c

// CHECK: void pd_softmax_matmul(
// CHECK: #pragma omp parallel for

func.func @softmax_matmul(%x: tensor<16x37xf32>, %w: tensor<37x40xf32>) -> tensor<16x40xf32> {
  %ninf = arith.constant -3.40282347E+38 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<16xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<16xf32>) -> tensor<16xf32>
  %max = linalg.reduce ins(%x : tensor<16x37xf32>) outs(%m0 : tensor<16xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    }
  %e2 = tensor.empty() : tensor<16x37xf32>
  %ex = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %max : tensor<16x37xf32>, tensor<16xf32>) outs(%e2 : tensor<16x37xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<16x37xf32>
  %e3 = tensor.empty() : tensor<16x40xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<16x40xf32>) -> tensor<16x40xf32>
  %r = linalg.matmul ins(%ex, %w : tensor<16x37xf32>, tensor<37x40xf32>) outs(%f3 : tensor<16x40xf32>) -> tensor<16x40xf32>
  return %r : tensor<16x40xf32>
}
