"""IR nested 1,000 levels deep goes through every stage, as in MLIR; nesting
beyond what the parser can take is a located error, never a RecursionError
or an internal error."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from support import needs_cc

import packdialect
from packdialect.diagnostics import call_with_deep_stack
from packdialect.emit.c import emit_c
from packdialect.ir.context import make_context
from packdialect.ir.parse import parse_source, post_order
from packdialect.runtime import CompileError
from tools.pack_opt import main as pack_opt
from tools.pack_run import main as pack_run

LEVELS = 1000


def nested_loops(levels: int) -> str:
    """`levels` nested scf.for loops (one iteration each when %n = 1) whose
    innermost body adds 1 to m[0]: the result counts the iterations."""
    loops = "".join(f"scf.for %i{d} = %c0 to %n step %c1 {{\n" for d in range(levels))
    return f"""func.func @f(%n: index, %m: memref<1xi64>) {{
%c0 = arith.constant 0 : index
%c1 = arith.constant 1 : index
%one = arith.constant 1 : i64
{loops}%v = memref.load %m[%c0] : memref<1xi64>
%w = arith.addi %v, %one : i64
memref.store %w, %m[%c0] : memref<1xi64>
{"}" * levels}
return
}}
"""


def test_pack_opt_round_trips_1000_levels(tmp_path: Path, capsys) -> None:
    source = tmp_path / "deep.mlir"
    source.write_text(nested_loops(LEVELS))
    out = tmp_path / "out.mlir"
    assert pack_opt([str(source), "-o", str(out)]) == 0, capsys.readouterr().err
    printed = out.read_text()
    assert printed.count("scf.for") == LEVELS
    again = tmp_path / "again.mlir"
    assert pack_opt([str(out), "-o", str(again)]) == 0, capsys.readouterr().err
    assert again.read_text() == printed


def test_c_emitter_takes_1000_levels() -> None:
    module = call_with_deep_stack(
        lambda: parse_source(make_context(), nested_loops(LEVELS), "deep.mlir")
    )
    source = call_with_deep_stack(lambda: emit_c(module))
    assert source.count("for (") == LEVELS


@needs_cc
def test_compile_runs_200_levels() -> None:
    """200 levels (the C compiler takes minutes for 1,000 nested loops);
    above the ~150 that the default recursion limit allowed."""
    module = packdialect.compile(nested_loops(200))
    counter = np.zeros(1, np.int64)
    module.f(1, counter)
    module.f(1, counter)
    module.f(0, counter)
    assert counter[0] == 2


def test_interpreter_runs_1000_levels(tmp_path: Path, capsys) -> None:
    source = tmp_path / "deep.mlir"
    source.write_text(nested_loops(LEVELS))
    inputs = tmp_path / "in.npz"
    np.savez(inputs, arg0=np.int64(1), arg1=np.zeros(1, np.int64))
    status = pack_run([str(source), "--entry", "f", "--inputs", str(inputs)])
    assert status == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            '"test.op"() ({\n' * 20000 + "}) : () -> ()\n" * 20000, None, id="regions"
        ),
        pytest.param('"test.op"() {a = ' + "[" * 100000, 1, id="arrays"),
        pytest.param("#m = affine_map<(d0) -> (" + "(" * 100000, 1, id="parens"),
        pytest.param('"test.op"() : () -> (' + "tuple<" * 100000, 1, id="types"),
    ],
)
def test_too_deep_is_a_located_error(tmp_path: Path, capsys, text, line) -> None:
    source = tmp_path / "deep.mlir"
    source.write_text(text)
    assert pack_opt([str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{source}:{line or ''}")
    assert ": error: nesting too deep to parse" in err
    assert "internal error" not in err and "Traceback" not in err


def test_compile_too_deep_is_a_compile_error() -> None:
    with pytest.raises(CompileError, match=r"<input>:1:\d+: error: nesting too deep"):
        packdialect.compile('"test.op"() {a = ' + "[" * 100000)


def test_deep_stack_restores_the_limit_and_reraises() -> None:
    before = sys.getrecursionlimit()
    seen = []

    def body() -> int:
        seen.append((sys.getrecursionlimit(), threading.current_thread()))
        return call_with_deep_stack(lambda: 7)  # nested: runs directly

    assert call_with_deep_stack(body) == 7
    assert seen[0][0] > before and seen[0][1] is not threading.main_thread()
    assert sys.getrecursionlimit() == before
    with pytest.raises(KeyError, match="inner"):
        call_with_deep_stack(lambda: {}["inner"])
    assert sys.getrecursionlimit() == before


def testpost_order_is_iterative() -> None:
    """verify_located walks ops children first, with no recursion."""
    module = call_with_deep_stack(
        lambda: parse_source(make_context(), nested_loops(LEVELS), "deep.mlir")
    )
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        names = [op.name for op in post_order(module)]
    finally:
        sys.setrecursionlimit(old)
    assert names.count("scf.for") == LEVELS
    assert names[-2:] == ["func.func", "builtin.module"]
    assert names.index("memref.store") < names.index("scf.for")
