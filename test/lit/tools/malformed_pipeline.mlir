// A malformed pipeline string (xDSL raises ArgSpecParseError, a
// BaseException): an error, a non-zero exit, no traceback.
// RUN: not pack-opt %s -p 'linalg-generalize-named-ops{' 2>&1 | filecheck %s --check-prefix=BRACE
// RUN: not pack-opt %s -p ',,' 2>&1 | filecheck %s --check-prefix=COMMAS
// RUN: not pack-opt %s -p 'linalg-generalize-named-ops{no-such-option=1}' 2>&1 | filecheck %s --check-prefix=OPTION

// BRACE-NOT: Traceback
// BRACE: pack-opt: error: malformed pass pipeline:
// BRACE: Expected argument name here
// BRACE-NOT: Traceback

// COMMAS-NOT: Traceback
// COMMAS: pack-opt: error: malformed pass pipeline:
// COMMAS: Expected pass name here
// COMMAS-NOT: Traceback

// OPTION-NOT: Traceback
// OPTION: pack-opt: error: {{.*}}no_such_option
// OPTION-NOT: Traceback
func.func @f() {
  return
}
