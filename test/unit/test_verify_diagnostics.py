"""pack-opt's --verify-diagnostics: annotations, the lines they name, matching."""

from __future__ import annotations

from packdialect.diagnostics import Diagnostic
from tools.verify_diagnostics import expectations, line_of, verify

TEXT = """\
%0 = op.a  // expected-error {{same line}}
// expected-remark @+2 {{two below}}
// expected-warning @below {{next plain line}}
%1 = op.b
// expected-note @-3 {{three above}}
// expected-error @above {{the last plain line}}
"""


def test_designators_name_the_lines_mlir_names():
    found = expectations(TEXT, "f.mlir", line_offset=10)
    lines = {(e.severity, e.substring): e.line for e in found}
    assert lines == {
        ("error", "same line"): 11,
        ("remark", "two below"): 14,
        ("warning", "next plain line"): 14,
        ("note", "three above"): 12,
        ("error", "the last plain line"): 14,
    }
    assert found[0].location == "f.mlir:11:15"


def test_a_dangling_below_names_the_end_of_the_chunk():
    (record,) = expectations("// expected-error @below {{x}}\n", "f.mlir")
    assert record.line == 1


def test_matching_is_by_line_severity_and_substring():
    found = expectations("%0 = op.a  // expected-error {{zero tile}}\n", "f.mlir")
    ok = verify(found, [Diagnostic("error", "f.mlir:1:6", "invalid zero tile factor")])
    assert ok == []


def test_every_kind_of_mismatch_is_reported():
    found = expectations(
        "%0 = op.a  // expected-error {{zero tile}}\n"
        "%1 = op.b  // expected-remark {{packed}}\n",
        "f.mlir",
    )
    produced = [
        Diagnostic("error", "f.mlir:2:6", "packed matmul"),
        Diagnostic("warning", "f.mlir:3:1", "odd"),
    ]
    problems = verify(found, produced)
    assert problems == [
        "f.mlir:2:15: error: 'error' diagnostic emitted when expecting a 'remark'",
        "f.mlir:3:1: error: unexpected warning: odd",
        'f.mlir:1:15: error: expected error "zero tile" was not produced',
        'f.mlir:2:15: error: expected remark "packed" was not produced',
    ]


def test_line_of_locations():
    assert line_of("a/b.mlir:12:3") == 12
    assert line_of("b.mlir:7") == 7
    assert line_of("b.mlir") is None
    assert line_of("") is None
