// An unknown pass name: an error naming it and a non-zero exit.
// RUN: not pack-opt %s -p no-such-pass 2>&1 | filecheck %s
// RUN: not pack-opt %s -p canonicalize,no-such-pass 2>&1 | filecheck %s
// RUN: not pack-opt %s -p no-such-pass 2>/dev/null | wc -c | filecheck %s --check-prefix=EMPTY

// CHECK-NOT: Traceback
// CHECK: pack-opt: error: invalid pass pipeline '{{.*}}': Unrecognized passes: ['no-such-pass']
// CHECK-NOT: Traceback
// EMPTY: {{^ *0$}}
func.func @f() {
  return
}
