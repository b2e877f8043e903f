"""The bad-input corpus as data (run by test_bad_inputs.py).

One `Case` per line: a name, the tool (`pack-opt`, `pack-run`, `compile`),
the files to create (text, bytes, a dict of arrays for an npz, None for a
folder), the arguments (for `compile`: the source and a dict of keyword
arguments), the exit status and a regex the last line of the message must
match from its start. Every case runs in an empty folder: `in.mlir` is the
usual input, and locations read `in.mlir:LINE:COL`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Case:
    """One bad input: what to run and the error it must give."""

    name: str
    tool: str
    files: dict[str, object]
    argv: tuple
    status: int
    message: str


def fn(body: str, args: str = "", results: str = "") -> str:
    """`func.func @f(args) -> results { body }`: the body starts on line 2."""
    arrow = f" -> {results}" if results else ""
    return f"func.func @f({args}){arrow} {{\n{body}\n}}\n"


def at(line: int, col: int | str, name: str = "in.mlir") -> str:
    """The regex of a located error's prefix (`col` may be a regex)."""
    return rf"{re.escape(name)}:{line}:{col}: error: "


T = "tensor<16x16xf32>"
OK = fn("  return %a : tensor<4xf32>", "%a: tensor<4xf32>", "tensor<4xf32>")
MATMUL = fn(
    f"  %r = linalg.matmul ins(%a, %b : {T}, {T}) outs(%c : {T}) -> {T}\n"
    f"  return %r : {T}",
    f"%a: {T}, %b: {T}, %c: {T}",
    T,
)
DYNAMIC = fn("  return %a : tensor<?x?xf32>", "%a: tensor<?x?xf32>", "tensor<?x?xf32>")
HALF = fn("  return %a : tensor<4x?xf32>", "%a: tensor<4x?xf32>", "tensor<4x?xf32>")
HUGE = fn(
    "  return %a : tensor<100000000x100000000xf32>",
    "%a: tensor<100000000x100000000xf32>",
    "tensor<100000000x100000000xf32>",
)
BIG = "tensor<4611686018427387904x4xf32>"
OVERFLOW = fn(
    f"  %e = tensor.empty() : {BIG}\n"
    f"  %r = linalg.copy ins(%e : {BIG}) outs(%e : {BIG}) -> {BIG}\n"
    f"  %c = arith.constant 0 : index\n"
    f"  %x = tensor.extract %r[%c, %c] : {BIG}\n"
    "  return %x : f32",
    results="f32",
)
EMPTY_HUGE = fn(
    "  %e = tensor.empty() : tensor<100000000x100000000xf32>\n"
    "  return %e : tensor<100000000x100000000xf32>",
    results="tensor<100000000x100000000xf32>",
)
DEEP = '"test.op"() {a = ' + "[" * 100000
PACK = "linalg.pack %a inner_dims_pos = [{pos}] inner_tiles = [{tiles}] into %d"
GOOD_NPZ = {"arg0": np.zeros(4, np.float32)}
MM_NPZ = {f"arg{i}": np.zeros((16, 16), np.float32) for i in range(3)}
BAD_PIPE = "canonicalize,"
SYNTAX = fn("  %0 = arith.constant : i32\n  return")
DIV0 = fn(
    "  %0 = affine.apply affine_map<(d0) -> (d0 floordiv 0)>(%i)\n  return %0 : index",
    "%i: index",
    "index",
)

# One case per line (ruff format would split them).
# fmt: off
CASES: list[Case] = [
    # pack-opt: syntax errors, located at the offending token
    Case("opt-syntax-missing-type", "pack-opt", {"in.mlir": SYNTAX}, ("in.mlir",), 1, at(2, 23) + "attribute expected"),
    Case("opt-unknown-op", "pack-opt", {"in.mlir": fn('  %0 = "foo.bar"() : () -> i32\n  return')}, ("in.mlir",), 1, at(2, 8) + "Operation foo.bar is not registered"),
    Case("opt-unknown-custom-op", "pack-opt", {"in.mlir": fn("  foo.bar\n  return")}, ("in.mlir",), 1, at(2, 3) + "Operation foo.bar is not registered"),
    Case("opt-undefined-value", "pack-opt", {"in.mlir": fn("  return %x : f32", results="f32")}, ("in.mlir",), 1, at(4, 1) + r"values used but not defined: \[%x\]"),
    Case("opt-value-redefined", "pack-opt", {"in.mlir": fn("  %0 = arith.constant 1 : i32\n  %0 = arith.constant 2 : i32\n  return")}, ("in.mlir",), 1, at(3, 3) + "SSA value %0 is already defined"),
    Case("opt-value-type-mismatch", "pack-opt", {"in.mlir": fn("  %0 = arith.addi %a, %a : i64\n  return", "%a: i32")}, ("in.mlir",), 1, at(2, 19) + "operand is used with type i64, but has been previously used or defined with type i32"),
    Case("opt-unclosed-region", "pack-opt", {"in.mlir": "func.func @f() {\n  return\n"}, ("in.mlir",), 1, at(3, 1) + "in block definition"),
    Case("opt-unclosed-type", "pack-opt", {"in.mlir": fn("  return", "%a: tensor<4xf32")}, ("in.mlir",), 1, at(1, 30) + "Expected '>' after builtin parameter list"),
    Case("opt-dimension-too-large", "pack-opt", {"in.mlir": fn("  return", "%a: tensor<9223372036854775808xf32>")}, ("in.mlir",), 1, at(1, 25) + "invalid dimension"),
    Case("opt-dimension-negative", "pack-opt", {"in.mlir": fn("  return", "%a: tensor<-3xf32>")}, ("in.mlir",), 1, at(1, 25) + "Expected shape type"),
    Case("opt-unknown-type", "pack-opt", {"in.mlir": fn("  return", "%a: !foo.bar")}, ("in.mlir",), 1, at(1, 26) + "'foo.bar' is not registered"),
    Case("opt-bad-affine-map", "pack-opt", {"in.mlir": "#m = affine_map<(d0) -> (d1)>\n" + OK}, ("in.mlir",), 1, at(1, 26) + "Identifier not in space d1"),
    Case("opt-duplicate-symbol", "pack-opt", {"in.mlir": OK + OK}, ("in.mlir",), 1, at(4, 1) + r"redefinition of symbol named 'f' \(first defined at in.mlir:1:1\)$"),
    Case("opt-semi-affine-product", "pack-opt", {"in.mlir": fn("  %0 = affine.apply affine_map<(d0, d1) -> (d0 * d1)>(%i, %i)\n  return", "%i: index")}, ("in.mlir",), 1, at(2, 21) + "unsupported affine expression: Multiplication with non-constant"),
    Case("opt-affine-constant-division-by-zero", "pack-opt", {"in.mlir": fn("  %0 = affine.apply affine_map<(d0) -> (4 floordiv 0)>(%i)\n  return", "%i: index")}, ("in.mlir",), 1, at(2, 21) + "unsupported affine expression: integer division or modulo by zero"),
    Case("opt-dense-shape-mismatch", "pack-opt", {"in.mlir": fn("  %0 = arith.constant dense<[1, 2]> : tensor<3xi32>\n  return")}, ("in.mlir",), 1, at(3, 3) + r"Shape mismatch in dense literal. Expected \[3\] shape from the type, but got \[2\]"),
    Case("opt-integer-too-wide", "pack-opt", {"in.mlir": fn("  %0 = arith.constant 99999999999999999999 : i32\n  return")}, ("in.mlir",), 1, at(2, 23) + "Integer value 99999999999999999999 is out of range for type i32"),
    Case("opt-float-for-integer", "pack-opt", {"in.mlir": fn("  %0 = arith.constant 1.5 : i32\n  return")}, ("in.mlir",), 1, at(3, 3) + "Floating point value is not valid for integer type"),
    Case("opt-unterminated-string", "pack-opt", {"in.mlir": '"test.op"() {a = "abc} : () -> ()\n'}, ("in.mlir",), 1, at(1, 18) + "End of file reached before closing string literal"),
    Case("opt-unterminated-loc", "pack-opt", {"in.mlir": fn("  return loc(")}, ("in.mlir",), 1, at(3, 1) + "Unexpected location syntax"),
    Case("opt-nul-byte", "pack-opt", {"in.mlir": "func.func @f() {\n  \x00\n}\n"}, ("in.mlir",), 1, at(2, 3) + "Unexpected character"),
    Case("opt-stray-character", "pack-opt", {"in.mlir": fn("  return\n  `")}, ("in.mlir",), 1, at(3, 3) + "Unexpected character: `"),
    Case("opt-nesting-too-deep", "pack-opt", {"in.mlir": DEEP}, ("in.mlir",), 1, at(1, r"\d+") + r"nesting too deep to parse \(more than the Python recursion limit"),
    Case("opt-integer-out-of-range", "pack-opt", {"in.mlir": fn("  %0 = arith.constant 300 : i8\n  return")}, ("in.mlir",), 1, at(2, 23) + "Integer value 300 is out of range for type i8"),
    Case("opt-empty-split-marker-only", "pack-opt", {"in.mlir": "// -----\n" + fn("  %0 = arith.constant : i32\n  return")}, ("in.mlir", "--split-input-file"), 1, at(3, 23) + "attribute expected"),
    # pack-opt: unreadable input
    Case("opt-missing-file", "pack-opt", {}, ("nope.mlir",), 1, "pack-opt: error: cannot read 'nope.mlir': No such file or directory$"),
    Case("opt-input-is-folder", "pack-opt", {"dir": None}, ("dir",), 1, "pack-opt: error: cannot read 'dir': Is a directory$"),
    Case("opt-not-utf8", "pack-opt", {"in.mlir": b"\xff\xfe\x00func"}, ("in.mlir",), 1, "pack-opt: error: cannot read 'in.mlir': 'utf-8' codec can't decode byte 0xff"),
    # pack-opt: verifier errors, located at the op
    Case("opt-pack-dim-out-of-range", "pack-opt", {"in.mlir": fn("  %p = " + PACK.format(pos="2", tiles="8") + " : tensor<16x16xf32> -> tensor<16x2x8xf32>\n  return", "%a: tensor<16x16xf32>, %d: tensor<16x2x8xf32>")}, ("in.mlir",), 1, at(2, 8) + "invalid inner_dims_pos vector$"),
    Case("opt-pack-zero-tile", "pack-opt", {"in.mlir": fn("  %p = " + PACK.format(pos="1", tiles="0") + " : tensor<16x16xf32> -> tensor<16x2x8xf32>\n  return", "%a: tensor<16x16xf32>, %d: tensor<16x2x8xf32>")}, ("in.mlir",), 1, at(2, 8) + "invalid zero tile factor$"),
    Case("opt-pack-dest-shape", "pack-opt", {"in.mlir": fn("  %p = " + PACK.format(pos="1", tiles="8") + " : tensor<16x16xf32> -> tensor<16x3x8xf32>\n  return", "%a: tensor<16x16xf32>, %d: tensor<16x3x8xf32>")}, ("in.mlir",), 1, at(2, 8) + "expected 'tensor<16x2x8xf32>' for the packed domain value, got 'tensor<16x3x8xf32>'"),
    Case("opt-pack-repeated-dim", "pack-opt", {"in.mlir": fn("  %p = " + PACK.format(pos="1, 1", tiles="8, 2") + " : tensor<16x16xf32> -> tensor<16x1x8x2xf32>\n  return", "%a: tensor<16x16xf32>, %d: tensor<16x1x8x2xf32>")}, ("in.mlir",), 1, at(2, 8) + "invalid inner_dims_pos vector$"),
    Case("opt-matmul-shapes", "pack-opt", {"in.mlir": MATMUL.replace("%b: tensor<16x16xf32>", "%b: tensor<8x16xf32>").replace("ins(%a, %b : tensor<16x16xf32>, tensor<16x16xf32>)", "ins(%a, %b : tensor<16x16xf32>, tensor<8x16xf32>)")}, ("in.mlir",), 1, at(2, 8) + "'linalg.matmul' op inferred input/output operand #1 has shape's dimension #0 to be 16, but found 8"),
    Case("opt-return-type", "pack-opt", {"in.mlir": fn("  return %a : tensor<4xf32>", "%a: tensor<4xf32>", "tensor<8xf32>")}, ("in.mlir",), 1, at(2, 3) + r"'func.return' op Expected arguments to have the same types as the function output types: expected \[tensor<8xf32>\], got \[tensor<4xf32>\]"),
    Case("opt-empty-dynamic-sizes", "pack-opt", {"in.mlir": fn("  %e = tensor.empty() : tensor<?xf32>\n  return")}, ("in.mlir",), 1, at(2, 8) + "'tensor.empty' op incorrect number of dynamic sizes, has 0, expected 1$"),
    Case("opt-empty-body", "pack-opt", {"in.mlir": fn("", "%a: f32", "f32")}, ("in.mlir",), 1, at(1, 1) + "empty block: expect at least a terminator$"),
    Case("opt-undefined-callee", "pack-opt", {"in.mlir": fn("  func.call @g() : () -> ()\n  return")}, ("in.mlir",), 1, at(2, 3) + "'func.call' op '@g' could not be found in symbol table"),
    Case("opt-mmt4d-rank", "pack-opt", {"in.mlir": fn(f"  %r = linalg.mmt4d ins(%a, %a : {T}, {T}) outs(%a : {T}) -> {T}\n  return", f"%a: {T}")}, ("in.mlir",), 1, at(2, 8) + r"'linalg.mmt4d' op expected operand #0 rank \(2\) to match the result rank of indexing_map \(4\)"),
    # pack-opt: pipelines (one line: what and which column) and pass failures
    Case("opt-pipeline-trailing-comma", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "canonicalize,"), 1, r"pack-opt: error: malformed pass pipeline 'canonicalize,': expected a pass name after ',' \(column 14\)$"),
    Case("opt-pipeline-leading-comma", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", ",canonicalize"), 1, r"pack-opt: error: malformed pass pipeline ',canonicalize': Expected pass name here \(column 1\)$"),
    Case("opt-pipeline-empty-element", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "canonicalize,,cse"), 1, r"pack-opt: error: malformed pass pipeline 'canonicalize,,cse': Expected pass name here \(column 14\)$"),
    Case("opt-pipeline-blank", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", " "), 1, r"pack-opt: error: malformed pass pipeline ' ': Expected pass name here \(column 1\)$"),
    Case("opt-pipeline-unknown-pass", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "no-such-pass"), 1, r"pack-opt: error: invalid pass pipeline 'no-such-pass': Unrecognized passes: \['no-such-pass'\]$"),
    Case("opt-pipeline-open-brace", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "cpu-pipeline{"), 1, r"pack-opt: error: malformed pass pipeline 'cpu-pipeline\{': Expected argument name here \(column 14\)$"),
    Case("opt-pipeline-bad-option", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "cpu-pipeline{no-such=1}"), 1, r"pack-opt: error: invalid pass pipeline 'cpu-pipeline\{no-such=1\}': Provided arguments \[\"no_such\"\] not found"),
    Case("opt-pipeline-option-type", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "cpu-pipeline{threads=abc}"), 1, r"pack-opt: error: invalid pass pipeline 'cpu-pipeline\{threads=abc\}': Incompatible types: given \('abc',\)"),
    Case("opt-pipeline-empty-list-item", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "pack-greedily{packed-sizes=8,,16}"), 1, r"pack-opt: error: malformed pass pipeline 'pack-greedily\{packed-sizes=8,,16\}': Unknown argument value.* \(column 30\)$"),
    Case("opt-pipeline-empty-value", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "cpu-pipeline{threads=}"), 1, r"pack-opt: error: malformed pass pipeline 'cpu-pipeline\{threads=\}': Unknown argument value.* \(column 22\)$"),
    Case("opt-threads-negative", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-p", "parallelize{threads=-1}"), 1, "in.mlir: error: parallelize: threads must be >= 0, got -1$"),
    Case("opt-unknown-target-option", "pack-opt", {"in.mlir": MATMUL}, ("in.mlir", "-p", "cpu-pipeline{target=nosuch}"), 1, "in.mlir: error: cpu-pipeline: unknown target 'nosuch'; expected one of host, avx512, avx2, generic$"),
    Case("opt-unknown-strategy", "pack-opt", {"in.mlir": MATMUL}, ("in.mlir", "-p", "pack-greedily{strategy=nosuch}"), 1, "in.mlir: error: unknown strategy 'nosuch'; available: "),
    Case("opt-bufferize-dynamic", "pack-opt", {"in.mlir": DYNAMIC}, ("in.mlir", "-p", "bufferize"), 1, r"in.mlir:1:1: error: bufferize: only static shapes are supported, got tensor<\?x\?xf32> in 'func.func'$"),
    Case("opt-unknown-target", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-t", "nosuch"), 2, r"\S+: error: argument -t/--target: invalid choice: 'nosuch'"),
    Case("opt-emit-tensors", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-t", "c"), 1, r"in.mlir: error: unsupported type 'tensor<4xf32>' in the C emitter \(bufferize tensors to memrefs first\)$"),
    Case("opt-emit-overflow", "pack-opt", {"in.mlir": OVERFLOW}, ("in.mlir", "-p", "cpu-pipeline{target=generic}", "-t", "c"), 1, at(1, 1) + "'memref.alloc' op uses memref<4611686018427387904x4xf32>, 73786976294838206464 bytes: more than 2\\^62"),
    # pack-opt: outputs are written only by a run that succeeds
    Case("opt-output-missing-folder", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-o", "no/such/out.mlir"), 1, "pack-opt: error: cannot write 'no/such/out.mlir': No such file or directory$"),
    Case("opt-output-is-folder", "pack-opt", {"in.mlir": OK, "dir": None}, ("in.mlir", "-o", "dir"), 1, "pack-opt: error: cannot write 'dir': Is a directory$"),
    Case("opt-in-place-syntax", "pack-opt", {"in.mlir": SYNTAX}, ("in.mlir", "-o", "in.mlir"), 1, at(2, 23) + "attribute expected$"),
    Case("opt-in-place-verify", "pack-opt", {"in.mlir": fn("  return %a : tensor<4xf32>", "%a: tensor<4xf32>", "tensor<8xf32>")}, ("in.mlir", "-o", "in.mlir"), 1, at(2, 3) + "'func.return' op Expected arguments to have the same types as the function output types"),
    Case("opt-in-place-pipeline", "pack-opt", {"in.mlir": OK}, ("in.mlir", "-o", "in.mlir", "-p", BAD_PIPE), 1, "pack-opt: error: malformed pass pipeline 'canonicalize,': expected a pass name after ','"),
    Case("opt-in-place-pass-failure", "pack-opt", {"in.mlir": DYNAMIC}, ("in.mlir", "-o", "in.mlir", "-p", "bufferize"), 1, r"in.mlir:1:1: error: bufferize: only static shapes are supported, got tensor<\?x\?xf32> in 'func.func'$"),
    Case("opt-in-place-split-chunk", "pack-opt", {"in.mlir": OK + "// -----\n" + fn("  return %a : f32", "%a: f64", "f32")}, ("in.mlir", "-o", "in.mlir", "--split-input-file"), 1, at(6, 10) + "operand is used with type f32, but has been previously used or defined with type f64$"),
    # pack-run: options, checked before anything runs
    Case("run-affine-division-by-zero-interp", "pack-run", {"in.mlir": DIV0}, ("in.mlir", "--entry", "f"), 1, at(2, 8) + r"division by non-positive value in affine expression \(d0 floordiv 0\)$"),
    Case("run-affine-division-by-zero-c", "pack-run", {"in.mlir": DIV0}, ("in.mlir", "--entry", "f", "--backend", "c"), 1, at(2, 8) + "'affine.apply': division by non-positive value is not supported$"),
    Case("run-threads-negative", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--threads", "-1"), 2, "pack-run: error: argument --threads: must be >= 0, got -1$"),
    Case("run-threads-not-a-number", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--threads", "two"), 2, "pack-run: error: argument --threads: expected an integer, got 'two'$"),
    Case("run-time-negative", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--time", "-5"), 2, "pack-run: error: argument --time: must be >= 0, got -5$"),
    Case("run-seed-negative", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--seed", "-1"), 2, "pack-run: error: argument --seed: must be >= 0, got -1$"),
    Case("run-unknown-backend", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--backend", "cuda"), 2, "pack-run: error: argument --backend: invalid choice: 'cuda'"),
    Case("run-no-entry", "pack-run", {"in.mlir": OK}, ("in.mlir",), 2, "pack-run: error: the following arguments are required: --entry$"),
    Case("run-pipeline-trailing-comma", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--pipeline", BAD_PIPE), 1, "pack-run: error: malformed pass pipeline 'canonicalize,': expected a pass name after ','"),
    Case("run-pipeline-unknown-pass", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--backend", "c", "--pipeline", "nope"), 1, r"pack-run: error: invalid pass pipeline 'nope': Unrecognized passes: \['nope'\]$"),
    Case("run-output-missing-folder", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--output", "no/out.npz"), 1, "pack-run: error: cannot write 'no/out.npz': no such directory 'no'$"),
    Case("run-output-is-folder", "pack-run", {"in.mlir": OK, "out.npz": None}, ("in.mlir", "--entry", "f", "--output", "out.npz"), 1, "pack-run: error: cannot write 'out.npz': it is a directory$"),
    Case("run-output-checked-first", "pack-run", {"in.mlir": fn("  %r = func.call @f(%a) : (f32) -> f32\n  return %r : f32", "%a: f32", "f32")}, ("in.mlir", "--entry", "f", "--output", "no/out.npz"), 1, "pack-run: error: cannot write 'no/out.npz': no such directory 'no'$"),
    # pack-run: the program
    Case("run-missing-file", "pack-run", {}, ("nope.mlir", "--entry", "f"), 1, "pack-run: error: cannot read 'nope.mlir': No such file or directory$"),
    Case("run-syntax-error", "pack-run", {"in.mlir": SYNTAX}, ("in.mlir", "--entry", "f"), 1, at(2, 23) + "attribute expected$"),
    Case("run-verify-error", "pack-run", {"in.mlir": fn("  return %a : tensor<4xf32>", "%a: tensor<4xf32>", "tensor<8xf32>")}, ("in.mlir", "--entry", "f"), 1, at(2, 3) + "'func.return' op Expected arguments to have the same types as the function output types"),
    Case("run-unknown-entry", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "g"), 1, r"in.mlir: error: no function '@g' \(available: @f\)$"),
    Case("run-declaration-entry", "pack-run", {"in.mlir": "func.func private @f(f32) -> f32\n"}, ("in.mlir", "--entry", "f"), 1, "pack-run: error: function @f has no body$"),
    Case("run-wide-integer-argument", "pack-run", {"in.mlir": fn("  return %a : i128", "%a: i128", "i128")}, ("in.mlir", "--entry", "f"), 1, r"pack-run: error: type i128 has no numpy form: unsupported integer width 128 \(at most 64\)$"),
    Case("run-no-functions", "pack-run", {"in.mlir": ""}, ("in.mlir", "--entry", "f"), 1, r"in.mlir: error: no function '@f' \(available: none\)$"),
    Case("run-complex-argument", "pack-run", {"in.mlir": fn("  return %a : complex<f32>", "%a: complex<f32>", "complex<f32>")}, ("in.mlir", "--entry", "f"), 1, "pack-run: error: type complex<f32> has no numpy form: unsupported element type 'complex<f32>'$"),
    Case("run-tuple-argument", "pack-run", {"in.mlir": fn("  return", "%a: tuple<f32>")}, ("in.mlir", "--entry", "f"), 1, "pack-run: error: type tuple<f32> has no numpy form: unsupported element type 'tuple<f32>'$"),
    Case("run-unranked-argument", "pack-run", {"in.mlir": fn("  return %a : tensor<*xf32>", "%a: tensor<*xf32>", "tensor<*xf32>")}, ("in.mlir", "--entry", "f"), 1, r"pack-run: error: dynamic sizes in 'arg0' \(tensor<\*xf32>\): give each shape with --shape"),
    Case("run-empty-dynamic-sizes", "pack-run", {"in.mlir": fn("  %e = tensor.empty() : tensor<?xf32>\n  return %e : tensor<?xf32>", results="tensor<?xf32>")}, ("in.mlir", "--entry", "f"), 1, at(2, 8) + "'tensor.empty' op incorrect number of dynamic sizes, has 0, expected 1$"),
    Case("run-unsupported-op", "pack-run", {"in.mlir": fn('  "test.op"() : () -> ()\n  return')}, ("in.mlir", "--entry", "f"), 1, at(2, 3) + "unsupported operation 'test.op'$"),
    Case("run-endless-recursion", "pack-run", {"in.mlir": fn("  %r = func.call @f(%a) : (f32) -> f32\n  return %r : f32", "%a: f32", "f32")}, ("in.mlir", "--entry", "f"), 1, r"pack-run: error: @f: calls and regions nest deeper than the interpreter can follow \(the Python recursion limit"),
    Case("run-nesting-too-deep", "pack-run", {"in.mlir": DEEP}, ("in.mlir", "--entry", "f"), 1, at(1, r"\d+") + "nesting too deep to parse"),
    Case("run-bufferize-dynamic", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--backend", "c", "--shape", "arg0=2x2"), 1, r"in.mlir:1:1: error: bufferize: only static shapes are supported, got tensor<\?x\?xf32> in 'func.func'$"),
    Case("run-emit-overflow", "pack-run", {"in.mlir": OVERFLOW}, ("in.mlir", "--entry", "f", "--backend", "c", "--pipeline", "cpu-pipeline{target=generic}"), 1, at(1, 1) + "'memref.alloc' op uses memref<4611686018427387904x4xf32>, 73786976294838206464 bytes: more than 2\\^62"),
    Case("run-huge-intermediate", "pack-run", {"in.mlir": EMPTY_HUGE}, ("in.mlir", "--entry", "f"), 1, r"pack-run: error: out of memory \(Unable to allocate 35.5 PiB for an array with shape \(100000000, 100000000\)"),
    # pack-run: inputs
    Case("run-huge-input", "pack-run", {"in.mlir": HUGE}, ("in.mlir", "--entry", "f"), 1, r"pack-run: error: input 'arg0' \(tensor<100000000x100000000xf32>\) needs 35.5 PiB \(40000000000000000 bytes\), more than this machine's memory \("),
    Case("run-dynamic-without-shape", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f"), 1, r"pack-run: error: dynamic sizes in 'arg0' \(tensor<\?x\?xf32>\): give each shape with --shape, e.g. --shape arg0=4x8, or the arrays with --inputs$"),
    Case("run-shape-trailing-comma", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--shape", "arg0=4x8,"), 1, "pack-run: error: malformed --shape 'arg0=4x8,': expected argN=DIMS"),
    Case("run-shape-empty-dim", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--shape", "arg0=4x"), 1, "pack-run: error: malformed --shape 'arg0=4x': expected argN=DIMS"),
    Case("run-shape-no-dims", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--shape", "arg0="), 1, "pack-run: error: malformed --shape 'arg0=': expected argN=DIMS"),
    Case("run-shape-no-name", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--shape", "=4x8"), 1, "pack-run: error: malformed --shape '=4x8': expected argN=DIMS"),
    Case("run-shape-unknown-argument", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--shape", "arg1=4x8"), 1, r"pack-run: error: --shape names 'arg1', but @f takes 1 argument\(s\)$"),
    Case("run-shape-wrong-rank", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--shape", "arg0=4x8x2"), 1, r"pack-run: error: --shape arg0=4x8x2 does not fit tensor<\?x\?xf32>$"),
    Case("run-shape-static-conflict", "pack-run", {"in.mlir": HALF}, ("in.mlir", "--entry", "f", "--shape", "arg0=5x3"), 1, r"pack-run: error: --shape arg0=5x3 does not fit tensor<4x\?xf32>$"),
    Case("run-shape-twice", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--shape", "arg0=4x8", "--shape", "arg0=2x2"), 1, "pack-run: error: --shape gives the shape of 'arg0' twice$"),
    Case("run-shape-huge", "pack-run", {"in.mlir": DYNAMIC}, ("in.mlir", "--entry", "f", "--shape", "arg0=10000000000x10000000000"), 1, r"pack-run: error: input 'arg0' \(tensor<\?x\?xf32>\) needs 346.9 EiB \(400000000000000000000 bytes\), more than this machine's memory"),
    Case("run-shape-with-inputs", "pack-run", {"in.mlir": DYNAMIC, "in.npz": {"arg0": np.zeros((2, 2), np.float32)}}, ("in.mlir", "--entry", "f", "--inputs", "in.npz", "--shape", "arg0=2x2"), 1, "pack-run: error: --shape is for random inputs; --inputs gives the shapes$"),
    Case("run-shape-mismatch-at-run", "pack-run", {"in.mlir": MATMUL.replace("16x16", "?x?")}, ("in.mlir", "--entry", "f", "--shape", "arg0=4x8,arg1=7x3,arg2=4x3"), 1, at(2, 8) + "operand dim #0 of size 7 indexed by loop d2 of range 8$"),
    Case("run-inputs-not-zip", "pack-run", {"in.mlir": OK, "in.npz": "hello\n"}, ("in.mlir", "--entry", "f", "--inputs", "in.npz"), 1, r"pack-run: error: cannot read inputs 'in.npz': not an npz file \(a zip archive of .npy arrays"),
    Case("run-inputs-npy", "pack-run", {"in.mlir": OK, "in.npy": np.zeros(4, np.float32).tobytes()}, ("in.mlir", "--entry", "f", "--inputs", "in.npy"), 1, r"pack-run: error: cannot read inputs 'in.npy': not an npz file \(a zip archive of .npy arrays"),
    Case("run-inputs-truncated-zip", "pack-run", {"in.mlir": OK, "in.npz": b"PK\x03\x04" + b"\x00" * 40}, ("in.mlir", "--entry", "f", "--inputs", "in.npz"), 1, r"pack-run: error: cannot read inputs 'in.npz': not an npz file"),
    Case("run-inputs-missing-file", "pack-run", {"in.mlir": OK}, ("in.mlir", "--entry", "f", "--inputs", "none.npz"), 1, "pack-run: error: cannot read inputs 'none.npz': no such file$"),
    Case("run-inputs-folder", "pack-run", {"in.mlir": OK, "in.npz": None}, ("in.mlir", "--entry", "f", "--inputs", "in.npz"), 1, "pack-run: error: cannot read inputs 'in.npz': is a directory$"),
    Case("run-inputs-missing-argument", "pack-run", {"in.mlir": MATMUL, "in.npz": {"arg0": np.zeros((16, 16), np.float32)}}, ("in.mlir", "--entry", "f", "--inputs", "in.npz"), 1, r"pack-run: error: missing input 'arg1' \(expected tensor<16x16xf32>\)$"),
    Case("run-inputs-extra-argument", "pack-run", {"in.mlir": OK, "in.npz": {**GOOD_NPZ, "arg1": np.zeros(1)}}, ("in.mlir", "--entry", "f", "--inputs", "in.npz"), 1, r"pack-run: error: unexpected input 'arg1': @f takes 1 argument\(s\)$"),
    Case("run-inputs-wrong-dtype", "pack-run", {"in.mlir": OK, "in.npz": {"arg0": np.zeros(4)}}, ("in.mlir", "--entry", "f", "--inputs", "in.npz"), 1, "pack-run: error: input 'arg0' has dtype float64, expected float32 for tensor<4xf32>$"),
    Case("run-inputs-wrong-shape", "pack-run", {"in.mlir": OK, "in.npz": {"arg0": np.zeros(5, np.float32)}}, ("in.mlir", "--entry", "f", "--inputs", "in.npz"), 1, r"pack-run: error: input 'arg0' has shape \(5,\), expected tensor<4xf32>$"),
    Case("run-inputs-object-array", "pack-run", {"in.mlir": OK, "in.npz": {"arg0": np.array([None, 1], object)}}, ("in.mlir", "--entry", "f", "--inputs", "in.npz"), 1, "pack-run: error: cannot read inputs 'in.npz': Object arrays cannot be loaded when allow_pickle=False$"),
    Case("run-inputs-are-output", "pack-run", {"in.mlir": OK, "in.npz": GOOD_NPZ}, ("in.mlir", "--entry", "f", "--inputs", "in.npz", "--output", "in.npz", "--pipeline", BAD_PIPE), 1, "pack-run: error: malformed pass pipeline 'canonicalize,': expected a pass name after ','"),
    Case("run-source-is-output", "pack-run", {"in.mlir": SYNTAX}, ("in.mlir", "--entry", "f", "--output", "in.mlir"), 1, at(2, 23) + "attribute expected$"),
    # packdialect.compile: CompileError with the same located messages
    Case("compile-syntax-error", "compile", {}, (SYNTAX,), 1, at(2, 23, "<input>") + "attribute expected$"),
    Case("compile-verify-error", "compile", {}, (fn("  return %a : tensor<4xf32>", "%a: tensor<4xf32>", "tensor<8xf32>"),), 1, at(2, 3, "<input>") + "'func.return' op Expected arguments to have the same types as the function output types"),
    Case("compile-unknown-op", "compile", {}, (fn('  %0 = "foo.bar"() : () -> tensor<4xf32>\n  return'),), 1, at(2, 8, "<input>") + "Operation foo.bar is not registered$"),
    Case("compile-missing-file", "compile", {}, ("nope.mlir",), 1, "cannot read 'nope.mlir': No such file or directory$"),
    Case("compile-file-syntax-error", "compile", {"in.mlir": SYNTAX}, ("in.mlir",), 1, at(2, 23) + "attribute expected$"),
    Case("compile-file-not-utf8", "compile", {"in.mlir": b"\xff\xfe"}, ("in.mlir",), 1, "cannot read 'in.mlir': 'utf-8' codec can't decode byte 0xff"),
    Case("compile-pipeline-trailing-comma", "compile", {}, (OK, {"pipeline": BAD_PIPE}), 1, "invalid pipeline: malformed pass pipeline 'canonicalize,': expected a pass name after ','"),
    Case("compile-pipeline-unknown-pass", "compile", {}, (OK, {"pipeline": "nope"}), 1, r"invalid pipeline: invalid pass pipeline 'nope': Unrecognized passes: \['nope'\]$"),
    Case("compile-unknown-target", "compile", {}, (OK, {"target": "cuda"}), 1, r"unknown target 'cuda' \(available: c\)$"),
    Case("compile-threads-negative", "compile", {}, (OK, {"threads": -1}), 1, "threads must be a non-negative integer, got -1$"),
    Case("compile-bufferize-dynamic", "compile", {}, (DYNAMIC,), 1, r"<input>:1:1: error: bufferize: only static shapes are supported, got tensor<\?x\?xf32> in 'func.func'$"),
    Case("compile-emit-overflow", "compile", {}, (OVERFLOW,), 1, at(1, 1, "<input>") + "'memref.alloc' op uses memref<4611686018427387904x4xf32>, 73786976294838206464 bytes: more than 2\\^62"),
    Case("compile-nesting-too-deep", "compile", {}, (DEEP,), 1, at(1, r"\d+", "<input>") + "nesting too deep to parse"),
    Case("compile-threads-not-int", "compile", {}, (OK, {"threads": "4"}), 1, "threads must be a non-negative integer, got '4'$"),
    Case("compile-path-object-missing", "compile", {}, (Path("nope.mlir"),), 1, "cannot read 'nope.mlir': No such file or directory$"),
    Case("compile-path-is-folder", "compile", {"dir.mlir": None}, ("dir.mlir",), 1, "cannot read 'dir.mlir': Is a directory$"),
    Case("compile-empty-dynamic-sizes", "compile", {}, (fn("  %e = tensor.empty() : tensor<?xf32>\n  return %e : tensor<?xf32>", results="tensor<?xf32>"),), 1, at(2, 8, "<input>") + "'tensor.empty' op incorrect number of dynamic sizes, has 0, expected 1$"),
    Case("compile-integer-out-of-range", "compile", {}, (fn("  %0 = arith.constant 300 : i8\n  %t = tensor.empty() : tensor<4xi8>\n  return"),), 1, at(2, 23, "<input>") + "Integer value 300 is out of range for type i8"),
    Case("compile-dimension-too-large", "compile", {}, (fn("  return", "%a: tensor<9223372036854775808xf32>"),), 1, at(1, 25, "<input>") + "invalid dimension$"),
]
# fmt: on
