"""A Python front end for packdialect: write, compose and JIT programs.

```python
import packdialect.builder as pd

@pd.macro
def dense(x, w, b):
    return pd.relu(x @ w + b)

@pd.func
def mlp(x: pd.Tensor[(16, 64), pd.f32], w: pd.Tensor[(64, 64), pd.f32],
        b: pd.Tensor[(64,), pd.f32]):
    return dense(dense(x, w, b), w, b)

print(mlp.module)                     # linalg on tensors, as written by hand
mod = packdialect.compile(mlp)        # the usual compiled module
```

Python runs at build time (loops unroll); ops build the linalg a user would
write (see README, "Building programs from Python"). Modules, one idea each:

| module | holds |
|---|---|
| `errors` | `BuildError`, the user's Python location |
| `types` | `pd.f32` ..., `pd.Tensor[shape, dtype]` |
| `scope` | the build state: the block being filled, `emit` |
| `values` | `Tensor`, `Scalar` and their operators |
| `scalars` | the scalar `arith` / `math` ops of element-wise bodies |
| `structured` | `linalg.generic` with a Python-built body, `tensor.empty`, `linalg.fill` |
| `elementwise` | `+ - * / //`, maximum, minimum, relu, exp, tanh, astype |
| `contractions` | `@` (matmul family), conv2d |
| `reductions` | sum, max, mean, softmax |
| `layout` | constant, empty/zeros/full, transpose, indexing, pack, unpack |
| `generic` | `pd.generic` |
| `splice` | `pd.splice` and its hygiene |
| `functions` | `@pd.func`, `@pd.macro` |
| `jit` | `@pd.jit` |
"""

from packdialect.builder.contractions import conv2d_nhwc_hwcf, matmul
from packdialect.builder.elementwise import (
    astype,
    exp,
    maximum,
    minimum,
    relu,
    tanh,
)
from packdialect.builder.errors import BuildError
from packdialect.builder.functions import Function, Macro, macro
from packdialect.builder.functions import func_decorator as func
from packdialect.builder.generic import generic
from packdialect.builder.jit import Jit, jit
from packdialect.builder.layout import (
    constant,
    full,
    pack,
    transpose,
    unpack,
    zeros,
)
from packdialect.builder.layout import empty_tensor as empty
from packdialect.builder.reductions import max_ as max  # noqa: A004 - numpy's name
from packdialect.builder.reductions import mean, softmax
from packdialect.builder.reductions import sum_ as sum  # noqa: A004 - numpy's name
from packdialect.builder.splice import splice
from packdialect.builder.types import (
    DType,
    TensorSpec,
    bf16,
    f16,
    f32,
    f64,
    i1,
    i8,
    i16,
    i32,
    i64,
)
from packdialect.builder.values import Scalar, Tensor, Value

__all__ = [
    "BuildError",
    "DType",
    "Function",
    "Jit",
    "Macro",
    "Scalar",
    "Tensor",
    "TensorSpec",
    "Value",
    "astype",
    "bf16",
    "constant",
    "conv2d_nhwc_hwcf",
    "empty",
    "exp",
    "f16",
    "f32",
    "f64",
    "full",
    "func",
    "generic",
    "i1",
    "i8",
    "i16",
    "i32",
    "i64",
    "jit",
    "macro",
    "matmul",
    "max",
    "maximum",
    "mean",
    "minimum",
    "pack",
    "relu",
    "softmax",
    "splice",
    "sum",
    "tanh",
    "transpose",
    "unpack",
    "zeros",
]
