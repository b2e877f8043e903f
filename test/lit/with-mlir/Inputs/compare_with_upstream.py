"""Compare `pack-greedily` with upstream MLIR on the same input.

    compare_with_upstream.py INPUT.mlir --packed-sizes 8,16,32 [--inner-dims-order 1,2,0]
        [--padded-sizes-next-multiple-of 0,10,0] [--mmt4d-layout] [--iree-opt PATH]

For every `// -----` chunk of INPUT, runs upstream (`iree-opt`) and ours
(`pack-greedily` in-process) and compares, function by function and in
program order, every linalg.pack / linalg.unpack (source and packed types,
inner_dims_pos, static inner tiles, outer_dims_perm, padding or not) and every
other linalg op (name; for linalg.generic the indexing maps, iterator types
and operand types). SSA names, constants and index arithmetic are ignored.

Upstream is `transform.structured.pack_greedily` applied to every LinalgOp,
or, with --mmt4d-layout, the `linalg-block-pack-matmul` pass (whose default
layout is the mmt4d one). Prints `@func: MATCH ...` per function and exits 1
with both summaries on the first difference.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.linalg.abstract_ops import LinalgStructuredOperation
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Operation

from packdialect.ir.context import make_context, parse_module
from packdialect.ir.ops import RelayoutOp
from passes.pack_greedily import PackGreedilyPass

TRANSFORM = """
module attributes {{transform.with_named_sequence}} {{
  transform.named_sequence @__transform_main(%root: !transform.any_op {{transform.readonly}}) {{
    %ops = transform.structured.match interface{{LinalgOp}} in %root
      : (!transform.any_op) -> !transform.any_op
    transform.foreach %ops : !transform.any_op {{
    ^bb0(%op: !transform.any_op):
      transform.structured.pack_greedily %op
          matmul_packed_sizes = [{sizes}]{padded}
          matmul_inner_dims_order = [{order}]
        : (!transform.any_op) -> !transform.any_op
    }}
    transform.yield
  }}
}}
"""


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",")]


def upstream_command(args: argparse.Namespace) -> tuple[list[str], str]:
    """The iree-opt command line and the text to append to each chunk."""
    if args.mmt4d_layout:
        sizes = args.packed_sizes
        option = f"block-factors={sizes}"
        if args.padded_sizes_next_multiple_of:
            option += f" mnk-padded-multiples={args.padded_sizes_next_multiple_of}"
        return [args.iree_opt, f"--linalg-block-pack-matmul={option}", "-"], ""
    padded = ""
    if args.padded_sizes_next_multiple_of:
        padded = (
            "\n          matmul_padded_sizes_next_multiple_of = "
            f"[{args.padded_sizes_next_multiple_of}]"
        )
    script = TRANSFORM.format(
        sizes=args.packed_sizes, padded=padded, order=args.inner_dims_order
    )
    return [args.iree_opt, "--transform-interpreter", "-"], script


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


SEMI_AFFINE = re.compile(
    r"^(#\w+) = affine_map<\(\)\[(s0(?:, s\d+)*)\] -> .*ceildiv [(s].*>$"
)


def drop_semi_affine(text: str) -> str:
    """Replace semi-affine map aliases (xDSL cannot parse them) by a dummy map.

    Upstream composes `dim ceildiv ((n ceildiv 10) * 10)` for dynamic padded
    tiles; only index arithmetic uses it, which the comparison ignores.
    """

    def dummy(match: re.Match[str]) -> str:
        return f"{match.group(1)} = affine_map<()[{match.group(2)}] -> (s0)>"

    return "\n".join(SEMI_AFFINE.sub(dummy, line) for line in text.splitlines())


def run_upstream(chunk: str, args: argparse.Namespace) -> ModuleOp:
    """Upstream's result on one chunk, parsed with packdialect."""
    command, script = upstream_command(args)
    done = subprocess.run(
        command, input=chunk + script, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"iree-opt failed:\n{done.stderr}")
    text = drop_semi_affine(strip_transform_module(done.stdout))
    return parse_module(text, make_context())


def run_ours(chunk: str, args: argparse.Namespace) -> ModuleOp:
    """Our result on one chunk."""
    ctx = make_context()
    module = parse_module(chunk, ctx)
    PackGreedilyPass(
        packed_sizes=tuple(_ints(args.packed_sizes)),
        padded_sizes_next_multiple_of=tuple(
            _ints(args.padded_sizes_next_multiple_of)
            if args.padded_sizes_next_multiple_of
            else ()
        ),
        inner_dims_order=tuple(_ints(args.inner_dims_order)),
        mmt4d_layout=args.mmt4d_layout,
        conv="none",  # upstream packs convolutions as they are
    ).apply(ctx, module)
    module.verify()
    return module


def describe(op: Operation) -> str | None:
    """One comparable line for a pack, unpack or linalg op; None for others."""
    if isinstance(op, RelayoutOp):
        tiles = ["?" if t < 0 else str(t) for t in op.get_static_inner_tiles()]
        perm = op.get_outer_dims_perm() if op.outer_dims_perm is not None else None
        padding = getattr(op, "padding_value", None) is not None
        return (
            f"{op.name} {op.source.type} -> {op.dest.type} "
            f"inner_dims_pos={list(op.get_inner_dims_pos())} tiles=[{', '.join(tiles)}] "
            f"outer_dims_perm={list(perm) if perm is not None else None} "
            f"padding={padding}"
        )
    if isinstance(op, GenericOp):
        maps = ", ".join(str(m.data) for m in op.indexing_maps)
        iterators = ", ".join(str(it.data) for it in op.iterator_types)
        types = ", ".join(str(v.type) for v in op.operands)
        return f"linalg.generic maps=[{maps}] iterators=[{iterators}] types=[{types}]"
    if isinstance(op, LinalgStructuredOperation):
        types = ", ".join(str(v.type) for v in op.operands)
        return f"{op.name} types=[{types}]"
    return None


def summary(module: ModuleOp) -> dict[str, list[str]]:
    """Per function, the description of its pack/unpack/linalg ops in order."""
    result: dict[str, list[str]] = {}
    for fn in module.walk():
        if not isinstance(fn, func.FuncOp):
            continue
        lines = [d for op in fn.walk() if (d := describe(op)) is not None]
        result[fn.sym_name.data] = lines
    return result


def compare(chunk: str, args: argparse.Namespace) -> bool:
    """Compare one chunk; print MATCH lines or both summaries."""
    theirs = summary(run_upstream(chunk, args))
    ours = summary(run_ours(chunk, args))
    ok = True
    names = sorted(set(theirs) | set(ours))
    if args.functions:
        names = [name for name in names if name in args.functions.split(",")]
    for name in names:
        a, b = theirs.get(name), ours.get(name)
        if a == b:
            packs = sum(1 for line in b or [] if line.startswith("linalg.pack "))
            print(f"@{name}: MATCH packs={packs}")
            for line in b or []:
                print(f"  {line}")
            continue
        ok = False
        print(f"@{name}: MISMATCH")
        print("  upstream:\n    " + "\n    ".join(a or ["<missing>"]))
        print("  ours:\n    " + "\n    ".join(b or ["<missing>"]))
    return ok


def main() -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--packed-sizes", required=True)
    parser.add_argument("--padded-sizes-next-multiple-of", default="")
    parser.add_argument("--inner-dims-order", default="0,1,2")
    parser.add_argument("--mmt4d-layout", action="store_true")
    parser.add_argument("--iree-opt", default="iree-opt")
    parser.add_argument(
        "--functions", default="", help="comma-separated functions to compare"
    )
    args = parser.parse_args()
    chunks = args.input.read_text().split("// -----")
    results = [compare(chunk, args) for chunk in chunks]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
