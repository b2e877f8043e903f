// RUN: pack-opt %s --verify-diagnostics
// A second definition of a symbol is an error at it (as in mlir-opt).

func.func @f() {
  return
}

// expected-error @+1 {{redefinition of symbol named 'f'}}
func.func @f() {
  return
}
