// REQUIRES: cc
// RUN: pack-opt %s -t c -o %t.c
// RUN: cc -O3 -march=native -Wall -Werror -fopenmp -std=c11 -c %t.c -o %t.o
// RUN: filecheck %s --input-file %t.c

// Whatever the emitter prints compiles warning-free, including unused
// results, unused loop-carried values and constants of every type.

// CHECK: void pd_everything(
func.func @everything(%a: memref<8xf64>, %n: index, %o: memref<8xf64>) attributes {packdialect.outputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f64
  %unused = arith.constant 42 : i32
  %v0 = arith.constant dense<1.5> : vector<8xf64>
  %r:2 = scf.for %i = %c0 to %c8 step %c1 iter_args(%s = %z, %v = %v0) -> (f64, vector<8xf64>) {
    %x = memref.load %a[%i] : memref<8xf64>
    %t = arith.addf %s, %x : f64
    %e = math.exp %x : f64
    %lt = arith.cmpf olt, %e, %t : f64
    %m = arith.select %lt, %e, %t : f64
    memref.store %m, %o[%i] : memref<8xf64>
    scf.yield %t, %v : f64, vector<8xf64>
  }
  %c0_is_zero = arith.cmpi eq, %n, %c0 : index
  %q = scf.if %c0_is_zero -> (f64) {
    scf.yield %r#0 : f64
  } else {
    scf.yield %z : f64
  }
  func.return
}
