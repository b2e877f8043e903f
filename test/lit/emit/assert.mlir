// RUN: pack-opt %s -t c | filecheck %s

// cf.assert: the first failing check stores its number in the status word
// (atomically: OpenMP threads may fail together) and the code runs on; the
// library exports the assert queries of the ABI (packdialect/emit/abi.py).
// The message is a C string literal whatever the user wrote.

// CHECK:       static int32_t packdialect_assert_state = 0;
// CHECK-LABEL: void pd_check(float *restrict arg0) {
// CHECK:         bool [[NE:v[0-9]+]] = ({{.+}} != 0.0f);
// CHECK-NEXT:    if (__builtin_expect(!([[NE]]), 0)) packdialect_assert_fail(1);
// CHECK:       static const char *const packdialect_assert_messages[1] = {
// CHECK-NEXT:    "quote \042 and \052/"
// CHECK:       static const char *const packdialect_assert_locations[1] = {
// CHECK-NEXT:    "{{.+}}assert.mlir:27:3"
// CHECK:       int32_t packdialect_assert_failed(void) {
// CHECK:       const char *packdialect_assert_message(int32_t number) {
// CHECK:       const char *packdialect_assert_location(int32_t number) {
func.func @check(%m: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %m[%i] : memref<8xf32>
    %ne = arith.cmpf une, %v, %zero : f32
  cf.assert %ne, "quote \" and */"
  }
  return
}
