// `-o` writes the file in place: a symlink stays a symlink (its target gets
// the output) and a device such as /dev/null stays a device.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/target.mlir && ln -s target.mlir %t/link.mlir
// RUN: pack-opt %t/target.mlir -o %t/link.mlir
// RUN: test -L %t/link.mlir
// RUN: filecheck %s --input-file=%t/target.mlir
// RUN: pack-opt %s -o /dev/null
// RUN: test -c /dev/null

// CHECK: func.func @f() {
// CHECK-NEXT: return
func.func @f() {
  return
}
