"""Reference semantics, in numpy, for every op packdialect accepts on tensors.

```python
from packdialect.interp import run_function
results = run_function(module, "matmul", [a, b, c])
```

The interpreter is the oracle of the differential tests: a pass is correct when
the function computes the same thing before and after it. It walks the IR op by
op and gives each value a numpy array (a 0-d array for a scalar):

- `func`, `arith`, `math`, `tensor`, `scf` (structured control flow on scalars
  and tensors) and `linalg` (structured ops, `linalg.pack` / `linalg.unpack`);
  `cf.assert` (a failed one raises `InterpreterError` with its message and
  location).
- After bufferization and vectorization: `memref` (a buffer is an array; views
  alias it, so writes are seen through every view and the caller's memref
  arguments are updated in place), `bufferization`, `affine.apply` / `min`,
  `scf.parallel`, and the `vector` ops the emitters read.
- Every structured op (`linalg.generic` and every named op, through its body
  and indexing maps) is evaluated vectorized over its iteration space: the
  body's block arguments become numpy arrays laid out over the loops, and the
  body runs once, op by op. A reduction whose body is a known combiner
  (`addf`, `maxsi`, ...) reduces with the numpy ufunc; an add of a product is
  a contraction, evaluated with `np.matmul`. Any other body is folded
  sequentially over the reduction loops (still vectorized over the parallel
  ones).
- Integers are signless and wrap like two's complement at their bit width;
  f16 is `np.float16`; bf16 is stored as `np.float32` rounded to bf16 after
  every op; floating reductions accumulate f16/bf16 in f32.

Anything else raises `InterpreterError` naming the op.

`core` holds the errors, the handler table, scopes and `run_function`; every
other module (`scf`, `arith`, `math_ops`, `tensor`, `memref`, `vector`,
`relayout`, `linalg` with `structured` and `reduction`) registers its ops'
handlers in that table when it is imported, which importing this package does
for all of them. Element types take their numpy form from
`packdialect.ir.dtypes`.
"""

# Importing an op family registers its handlers.
from packdialect.interp import (  # noqa: F401
    arith,
    cf,
    linalg,
    math_ops,
    memref,
    reduction,
    relayout,
    scf,
    structured,
    tensor,
    vector,
)
from packdialect.interp.core import (
    InterpreterError,
    coerce,
    element_dtype,
    random_inputs,
    round_to_bf16,
    run_function,
)

__all__ = [
    "InterpreterError",
    "coerce",
    "element_dtype",
    "random_inputs",
    "round_to_bf16",
    "run_function",
]
