"""Compare our pack / unpack rewrites with upstream MLIR's on the same input.

    compare_propagation.py INPUT.mlir [--patterns NAME] [--ours PIPELINE]
        [--functions f,g] [--exclude f,g] [--iree-opt PATH]

Upstream is iree-opt's `transform.apply_patterns.NAME` on every function
(default `linalg.data_layout_propagation`; `none` applies no pattern set),
then `--canonicalize`; ours is `PIPELINE,canonicalize` (default
`propagate-packs`; `none` runs only canonicalize).
For every function of INPUT, compares the packs / unpacks (types,
inner_dims_pos, tiles, outer_dims_perm as spelled (an identity permutation
too), padding or not) as a multiset, and the linalg.generic ops (maps, iterators,
operand types) in program order. Then runs upstream's output and ours with the
numpy interpreter on the same random inputs and compares the results.
Prints `@func: MATCH ...` per function, `@func: MISMATCH` with both summaries
otherwise (exit status 1). `--exclude` drops functions from the input first
(for inputs upstream mishandles; each RUN line says why); `--constant-packs`
leaves out upstream's packs of constants, which our canonicalize folds.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys

import numpy as np
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Operation
from xdsl.passes import PassPipeline
from xdsl.printer import Printer
from xdsl.traits import SymbolTable

from packdialect.interp import random_inputs, run_function
from packdialect.ir.context import make_context, parse_module
from packdialect.ir.ops import PackOp, RelayoutOp
from passes import all_passes

TRANSFORM = """
module attributes {{transform.with_named_sequence}} {{
  transform.named_sequence @__transform_main(%root: !transform.any_op {{transform.readonly}}) {{
    %funcs = transform.structured.match ops{{["func.func"]}} in %root
      : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %funcs {{
      transform.apply_patterns.{patterns}
    }} : !transform.any_op
    transform.yield
  }}
}}
"""


def strip_transform_module(text: str) -> str:
    """Drop the nested `module attributes {transform.with_named_sequence}`."""
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if "transform.with_named_sequence" in line),
        None,
    )
    if start is None:
        return text
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = next(
        i
        for i in range(start + 1, len(lines))
        if lines[i].strip() == "}" and len(lines[i]) - len(lines[i].lstrip()) == indent
    )
    return "\n".join(lines[:start] + lines[end + 1 :]) + "\n"


def _iree_opt(iree_opt: str, flags: list[str], text: str) -> str:
    done = subprocess.run(
        [iree_opt, *flags, "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        sys.exit(f"iree-opt failed:\n{done.stderr}")
    return done.stdout


def run_upstream(text: str, iree_opt: str, patterns: str) -> ModuleOp:
    """Upstream's propagation + canonicalization, parsed with packdialect.

    Printed in generic form: xDSL cannot parse a multi-result linalg.generic
    in custom form.
    """
    propagated = text
    if patterns != "none":
        script = TRANSFORM.format(patterns=patterns)
        propagated = _iree_opt(iree_opt, ["--transform-interpreter"], text + script)
    canonical = _iree_opt(
        iree_opt,
        ["--canonicalize", "--mlir-print-op-generic"],
        strip_transform_module(propagated),
    )
    return parse_module(canonical, make_context())


def run_ours(text: str, pipeline: str) -> ModuleOp:
    """Our pipeline + canonicalization."""
    ctx = make_context()
    module = parse_module(text, ctx)
    spec = "canonicalize" if pipeline == "none" else f"{pipeline},canonicalize"
    PassPipeline.parse_spec(all_passes(), spec).apply(ctx, module)
    module.verify()
    return module


def describe(op: Operation) -> str | None:
    """One comparable line for a pack / unpack / generic; None for others."""
    if isinstance(op, RelayoutOp):
        tiles = ["?" if t < 0 else str(t) for t in op.get_static_inner_tiles()]
        # spelled or absent, as each side prints it (upstream keeps a spelled
        # identity such as [0] on the packs it propagates)
        perm = list(op.get_outer_dims_perm()) if op.outer_dims_perm else None
        padding = isinstance(op, PackOp) and op.padding_value is not None
        return (
            f"{op.name} {op.source.type} -> {op.dest.type} "
            f"inner_dims_pos={list(op.get_inner_dims_pos())} tiles=[{', '.join(tiles)}] "
            f"outer_dims_perm={perm} padding={padding}"
        )
    if isinstance(op, GenericOp):
        maps = ", ".join(str(m.data) for m in op.indexing_maps)
        iterators = ", ".join(str(it.data) for it in op.iterator_types)
        types = ", ".join(str(v.type) for v in op.operands)
        return f"linalg.generic maps=[{maps}] iterators=[{iterators}] types=[{types}]"
    return None


def is_constant_pack(op: Operation) -> bool:
    """A pack of an arith.constant (which our canonicalize folds)."""
    return isinstance(op, PackOp) and isinstance(op.source.owner, arith.ConstantOp)


def summary(fn: func.FuncOp, skip_constant_packs: bool = False) -> list[str]:
    """Relayouts sorted (a multiset), then generics in program order."""
    ops = [op for op in fn.walk() if not (skip_constant_packs and is_constant_pack(op))]
    lines = [d for op in ops if (d := describe(op)) is not None]
    relayouts = sorted(d for d in lines if not d.startswith("linalg.generic"))
    return relayouts + [d for d in lines if d.startswith("linalg.generic")]


def same_results(theirs: ModuleOp, ours: ModuleOp, fn: func.FuncOp) -> bool:
    """Both outputs compute the same values on random inputs."""
    # dynamic sizes are 4 (the inputs with dynamic arguments are written so)
    args = random_inputs(fn, seed=3, dynamic_size=4)
    name = fn.sym_name.data
    for a, b in zip(
        run_function(theirs, name, args), run_function(ours, name, args), strict=True
    ):
        if not np.allclose(a, b, rtol=1e-5, atol=1e-6):
            return False
    return True


def without_functions(text: str, names: list[str]) -> str:
    """The input with the named functions removed (reprinted by xDSL, generic form:
    xDSL cannot re-parse its custom form of a multi-result linalg.generic)."""
    if not names:
        return text
    module = parse_module(text, make_context())
    for fn in list(module.walk()):
        if isinstance(fn, func.FuncOp) and fn.sym_name.data in names:
            fn.detach()
            fn.erase()
    stream = io.StringIO()
    printer = Printer(stream, print_generic_format=True)
    for op in module.body.block.ops:
        printer.print_op(op)
        stream.write("\n")
    return stream.getvalue()


def main() -> int:
    """Compare every (selected) function of the input; 1 on any difference."""
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--patterns", default="linalg.data_layout_propagation")
    parser.add_argument("--ours", default="propagate-packs")
    parser.add_argument("--functions", default="")
    parser.add_argument("--exclude", default="")
    parser.add_argument(
        "--constant-packs",
        action="store_true",
        help="ignore upstream's packs of constants (ours packs them at compile time)",
    )
    parser.add_argument("--iree-opt", default="iree-opt")
    args = parser.parse_args()
    with open(args.input, encoding="utf-8") as f:
        text = without_functions(f.read(), [n for n in args.exclude.split(",") if n])
    theirs = run_upstream(text, args.iree_opt, args.patterns)
    ours = run_ours(text, args.ours)
    selected = [n for n in args.functions.split(",") if n]
    ok = True
    for fn in ours.walk():
        if not isinstance(fn, func.FuncOp):
            continue
        name = fn.sym_name.data
        if selected and name not in selected:
            continue
        upstream = SymbolTable.lookup_symbol(theirs, name)
        assert isinstance(upstream, func.FuncOp)
        a, b = summary(upstream, args.constant_packs), summary(fn)
        kept = sum(1 for op in upstream.walk() if is_constant_pack(op))
        note = f" (upstream keeps {kept} packs of constants)" if kept else ""
        packs = sum(1 for line in b if line.startswith("linalg.pack "))
        unpacks = sum(1 for line in b if line.startswith("linalg.unpack "))
        if a == b and same_results(theirs, ours, fn):
            print(f"@{name}: MATCH packs={packs} unpacks={unpacks}{note}")
            continue
        ok = False
        print(f"@{name}: MISMATCH")
        print("  upstream:\n    " + "\n    ".join(a or ["<none>"]))
        print("  ours:\n    " + "\n    ".join(b or ["<none>"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
