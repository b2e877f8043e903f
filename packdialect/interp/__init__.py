"""The numpy reference interpreter, one module per op family.

`core` holds the errors, element types, the handler table and
`run_function`; every other module registers its ops' handlers in that table
when it is imported, which importing this package does for all of them. The
public names are re-exported by `packdialect.interpreter`.
"""

# Importing an op family registers its handlers.
from packdialect.interp import (  # noqa: F401
    arith,
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
