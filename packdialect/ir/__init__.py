"""The IR layer: packdialect's ops in the `linalg`, `tensor` and `arith`
namespaces (relayout.py, named_ops.py, arith_ops.py, gathered in ops.py),
the attribute names every stage shares (attributes.py), the numpy form of
every element type (dtypes.py), the Context factory (context.py), parsing
with locations (parse.py), and the pack/unpack canonicalizations beside the
ops (canonicalization/, with the helpers they share in relayout_utils.py and
the ops' array semantics in relayout_arrays.py)."""
