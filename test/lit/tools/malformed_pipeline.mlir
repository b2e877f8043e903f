// A malformed pipeline string (xDSL raises ArgSpecParseError, a
// BaseException): a one-line error naming the column, a non-zero exit, no
// traceback. Like mlir-opt, no element may be empty (a trailing comma too).
// RUN: not pack-opt %s -p 'linalg-generalize-named-ops{' 2>&1 | filecheck %s --check-prefix=BRACE
// RUN: not pack-opt %s -p ',,' 2>&1 | filecheck %s --check-prefix=COMMAS
// RUN: not pack-opt %s -p 'linalg-generalize-named-ops{no-such-option=1}' 2>&1 | filecheck %s --check-prefix=OPTION
// RUN: not pack-opt %s -p 'canonicalize,' 2>&1 | filecheck %s --check-prefix=TRAILING

// BRACE-NOT: Traceback
// BRACE: pack-opt: error: malformed pass pipeline 'linalg-generalize-named-ops{': Expected argument name here (column 29)
// BRACE-NOT: Traceback

// COMMAS-NOT: Traceback
// COMMAS: pack-opt: error: malformed pass pipeline ',,': Expected pass name here (column 1)
// COMMAS-NOT: Traceback

// OPTION-NOT: Traceback
// OPTION: pack-opt: error: {{.*}}no_such_option
// OPTION-NOT: Traceback

// TRAILING: pack-opt: error: malformed pass pipeline 'canonicalize,': expected a pass name after ',' (column 14)
// TRAILING-NOT: builtin.module
func.func @f() {
  return
}
