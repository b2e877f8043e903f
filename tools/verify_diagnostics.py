"""`--verify-diagnostics` as mlir-opt means it: check `expected-*` annotations.

An annotation is a comment `expected-<severity>[@<where>] {{<substring>}}`,
with severity `error`, `warning`, `remark` or `note`; `<where>` is omitted
(the annotation's own line), `@+N` / `@-N` (N lines below / above it),
`@above` (the last line above that holds no annotation) or `@below` (the
next such line below). A diagnostic matches an annotation when it is on that
line, has that severity and its message contains the substring. Every
annotation must be matched by a diagnostic and every diagnostic by an
annotation; each mismatch is reported, with the location of the annotation
or of the diagnostic:

    f.mlir:7:6: error: expected error "bad tile" was not produced
    f.mlir:9:8: error: unexpected error: invalid zero tile factor
    f.mlir:7:6: error: 'remark' diagnostic emitted when expecting a 'error'

Chunks of `--split-input-file` are verified one by one (their lines keep
their numbers in the file).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from packdialect.diagnostics import Diagnostic

SEVERITIES = ("error", "warning", "remark", "note")

_ANNOTATION = re.compile(
    r"expected-(error|warning|remark|note)"
    r"\s*(@[+-][0-9]+|@above|@below)?\s*\{\{(.*)\}\}"
)
_LINE_OF = re.compile(r":([0-9]+)(?::[0-9]+)?$")


@dataclass
class Expected:
    """One annotation: what is expected where, and whether it was seen."""

    severity: str
    line: int
    substring: str
    location: str
    """Where the annotation itself is (`file:line:col`), for its error."""
    matched: bool = field(default=False)


def expectations(text: str, file: str, line_offset: int = 0) -> list[Expected]:
    """The annotations of one chunk, with the lines they refer to."""
    found: list[Expected] = []
    pending_below: list[Expected] = []
    last_plain = line_offset
    lines = text.splitlines()
    for index, line in enumerate(lines):
        number = line_offset + index + 1
        matches = list(_ANNOTATION.finditer(line))
        if not matches:
            for waiting in pending_below:
                waiting.line = number
            pending_below.clear()
            last_plain = number
            continue
        for match in matches:
            severity, where, substring = match.groups()
            location = f"{file}:{number}:{match.start() + 1}"
            record = Expected(severity, number, substring, location)
            if where == "@above":
                record.line = last_plain
            elif where == "@below":
                record.line = line_offset + len(lines)
                pending_below.append(record)
            elif where:
                offset = int(where[2:])
                record.line = number + offset if where[1] == "+" else number - offset
            found.append(record)
    return found


def line_of(location: str) -> int | None:
    """The line of a `file:line[:col]` location, None when it has none."""
    match = _LINE_OF.search(location)
    return int(match.group(1)) if match else None


def verify(expected: Sequence[Expected], produced: Sequence[Diagnostic]) -> list[str]:
    """Every mismatch between annotations and diagnostics, as error lines."""
    problems: list[str] = []
    for diagnostic in produced:
        problem = _match(expected, diagnostic)
        if problem is not None:
            problems.append(problem)
    for record in expected:
        if not record.matched:
            problems.append(
                f"{record.location}: error: expected {record.severity} "
                f'"{record.substring}" was not produced'
            )
    return problems


def _match(expected: Sequence[Expected], diagnostic: Diagnostic) -> str | None:
    """Mark the annotation `diagnostic` satisfies; else say what is wrong."""
    line = line_of(diagnostic.location)
    near_miss = None
    for record in expected:
        if record.line != line or record.substring not in diagnostic.message:
            continue
        if record.severity == diagnostic.severity:
            record.matched = True
            return None
        near_miss = record
    if near_miss is not None:
        return (
            f"{near_miss.location}: error: '{diagnostic.severity}' diagnostic "
            f"emitted when expecting a '{near_miss.severity}'"
        )
    where = diagnostic.location or "<unknown>"
    return f"{where}: error: unexpected {diagnostic.severity}: {diagnostic.message}"
