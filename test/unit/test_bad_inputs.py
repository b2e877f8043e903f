"""The bad-input corpus: every case is a clear error, never a traceback, an
internal error or a touched file.

Each case of `bad_input_cases.CASES` runs in an empty folder holding only its
files: `pack-opt` and `pack-run` through their `main(argv)` (as the console
scripts call them), `compile` through `packdialect.compile`. It asserts

- the exit status (for `compile`: that CompileError is raised);
- the message: its last line of stderr (or the exception's text) matches the
  case's regex from its start, which names the location (`in.mlir:3:7:
  error: ...`) or the tool (`pack-run: error: ...`); stdout is empty;
- no "Traceback" and no "internal error" anywhere;
- that no file in the folder was created, changed or removed (the folder is
  snapshotted before and after: names, sizes, contents, modification times).

A few cases also run as subprocesses of the installed console scripts.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bad_input_cases import CASES, Case

import packdialect
from packdialect.runtime import CompileError
from tools.pack_opt import main as pack_opt
from tools.pack_run import main as pack_run

MAINS = {"pack-opt": pack_opt, "pack-run": pack_run}
BIN = Path(sys.executable).parent


def write_files(folder: Path, files: dict[str, object]) -> None:
    """Create a case's files: text, bytes, npz (a dict of arrays) or folders."""
    for name, content in files.items():
        path = folder / name
        if content is None:
            path.mkdir()
        elif isinstance(content, str):
            path.write_text(content)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            np.savez(path, **content)  # type: ignore[arg-type]


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder`: kind, size, content hash, modification time."""
    seen = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            stat = path.stat()
            digest = (
                hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            )
            seen[str(path.relative_to(folder))] = (
                path.is_dir(),
                stat.st_size,
                digest,
                stat.st_mtime_ns,
            )
    return seen


def run_case(case: Case, capsys) -> tuple[int, str, str]:
    """(status, stdout, stderr) of one case, run in the current folder."""
    if case.tool == "compile":
        source, *rest = case.argv
        options = rest[0] if rest else {}
        with pytest.raises(CompileError) as info:
            packdialect.compile(source, **options)
        captured = capsys.readouterr()
        return 1, captured.out, f"{captured.err}{info.value}\n"
    try:
        status = MAINS[case.tool](list(case.argv))
    except SystemExit as exit_:  # argparse's usage errors
        status = exit_.code if isinstance(exit_.code, int) else 1
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def check_message(case: Case, status: int, out: str, err: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err
    assert status == case.status, err
    assert out == "", out
    lines = err.strip().splitlines()
    assert lines, "no message"
    assert re.match(case.message, lines[-1]), lines[-1]
    if case.tool != "compile" and status == 1:
        assert len(lines) == 1, err  # one line, no usage or context


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch, capsys) -> None:
    write_files(tmp_path, case.files)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    status, out, err = run_case(case, capsys)
    check_message(case, status, out, err)
    assert snapshot(tmp_path) == before, "a failing run touched a file"


def test_corpus_size() -> None:
    tools = {c.tool for c in CASES}
    assert len(CASES) >= 80 and tools == {"pack-opt", "pack-run", "compile"}
    assert len({c.name for c in CASES}) == len(CASES), "case names are unique"
    in_place = [c for c in CASES if "-o" in c.argv and c.argv[0] in c.argv[2:]]
    assert len(in_place) >= 3, "inputs that are also the -o target"


SUBPROCESS = [
    "opt-syntax-missing-type",
    "opt-pipeline-trailing-comma",
    "run-threads-negative",
    "run-huge-input",
]


@pytest.mark.parametrize("name", SUBPROCESS)
def test_console_scripts(name: str, tmp_path: Path) -> None:
    """The installed entry points exit and print the same way."""
    case = next(c for c in CASES if c.name == name)
    write_files(tmp_path, case.files)
    before = snapshot(tmp_path)
    proc = subprocess.run(
        [str(BIN / case.tool), *case.argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    check_message(case, proc.returncode, proc.stdout, proc.stderr)
    assert snapshot(tmp_path) == before
