// An input that cannot be read: an error naming it and a non-zero exit.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not pack-opt %t/missing.mlir 2>&1 | filecheck %s --check-prefix=MISSING
// RUN: not pack-opt %t 2>&1 | filecheck %s --check-prefix=DIRECTORY
// RUN: printf '\377\376' > %t/binary.mlir
// RUN: not pack-opt %t/binary.mlir 2>&1 | filecheck %s --check-prefix=BINARY

// MISSING-NOT: Traceback
// MISSING: pack-opt: error: cannot read '{{.*}}missing.mlir': No such file or directory
// MISSING-NOT: Traceback
// DIRECTORY: pack-opt: error: cannot read '{{.*}}': Is a directory
// DIRECTORY-NOT: Traceback
// BINARY: pack-opt: error: cannot read '{{.*}}binary.mlir': 'utf-8' codec can't decode
// BINARY-NOT: Traceback
