"""`pack-opt`: the opt-style driver (xDSL's opt main with packdialect inside).

    pack-opt FILE [-p PIPELINE] [-t TARGET] [-o OUT] [--split-input-file]
             [--verify-diagnostics] [--print-between-passes] ...

Every error a user can cause is printed as `file:line:col: error: message`
(or `pack-opt: error: ...` when there is no location) with a non-zero exit.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from io import StringIO

from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import DiagnosticException
from xdsl.xdsl_opt_main import xDSLOptMain

from packdialect.diagnostics import ToolError, diagnostic_error, run_tool
from packdialect.ir.context import register_dialects
from packdialect.ir.parse import parse_source, verify_located

SPLIT_MARKER = "// -----"
# Like MLIR, a marker only splits where it starts its line, so that a check line
# such as `// CHECK: // -----` does not.
SPLIT_LINE = re.compile(r"^[ \t]*// -----[^\n]*", re.MULTILINE)


class PackOptMain(xDSLOptMain):
    """xDSL's opt main with packdialect's dialects, passes, targets and errors."""

    def register_all_dialects(self) -> None:
        register_dialects(self.ctx)

    def register_all_passes(self) -> None:
        from passes import all_passes

        for name, factory in all_passes().items():
            self.register_pass(name, factory)

    def setup_pipeline(self) -> None:
        """xDSL's pipeline, once `passes.parse_pipeline` (the one pipeline
        parser, with mlir-opt's rules and one-line errors) accepted `-p`."""
        from passes import PipelineError, parse_pipeline

        try:
            parse_pipeline(self.args.passes)
        except PipelineError as err:
            raise ToolError(str(err)) from None
        super().setup_pipeline()

    def register_all_targets(self) -> None:
        from packdialect.emit import TARGETS

        self.available_targets.update(TARGETS)
        super().register_all_targets()

    def input_name(self) -> str:
        """The name diagnostics use for the input."""
        if self.args.input_file in (None, "-"):
            return "<stdin>"
        return self.args.input_file

    def read_input(self) -> str:
        """The input text (`-` or no file: stdin); ToolError when unreadable."""
        if self.args.input_file in (None, "-"):
            return sys.stdin.read()
        try:
            with open(self.args.input_file, encoding="utf-8") as f:
                return f.read()
        except (OSError, UnicodeDecodeError) as err:
            reason = getattr(err, "strerror", None) or str(err)
            raise ToolError(f"cannot read '{self.args.input_file}': {reason}") from None

    def chunks(self, text: str) -> list[tuple[str, int]]:
        """(chunk text, line offset) pairs, split on `// -----` when asked."""
        if not self.args.split_input_file:
            return [(text, 0)]
        result: list[tuple[str, int]] = []
        offset = 0
        for chunk in SPLIT_LINE.split(text):
            result.append((chunk, offset))
            offset += chunk.count("\n")
        return result

    def process_chunk(self, text: str, offset: int) -> str:
        """Parse, verify, run the pipeline and print one chunk."""
        module = parse_source(self.ctx, text, self.input_name(), offset)
        if not self.args.disable_verify:
            verify_located(module, self.input_name())
        self.run_pipeline(module)
        try:
            return self.output_resulting_program(module)
        except DiagnosticException as err:
            raise diagnostic_error(err, self.input_name()) from None

    def run_pipeline(self, module: ModuleOp) -> None:
        """Apply the pipeline; errors become ToolErrors."""
        try:
            self.apply_passes(module)
        except DiagnosticException as err:
            raise diagnostic_error(err, self.input_name()) from None

    def run(self) -> None:  # type: ignore[override]
        """Process every chunk; write the output only when all succeeded."""
        out = StringIO()
        failed = False
        for i, (text, offset) in enumerate(self.chunks(self.read_input())):
            if i:
                out.write(SPLIT_MARKER + "\n")
            try:
                out.write(self.process_chunk(text, offset))
            except ToolError as err:
                if not self.args.verify_diagnostics:
                    raise
                out.write(f"{err}\n")
                failed = True
        del failed
        self.write_output(out.getvalue())

    def write_output(self, text: str) -> None:
        """Write to -o or stdout.

        Called only once every chunk succeeded, so a failed run never touches
        the output file (not even when it is the input). Written in place, not
        renamed over, so devices, pipes, links and permissions stay as they are.
        """
        if self.args.output_file is None:
            sys.stdout.write(text)
            return
        try:
            with open(self.args.output_file, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as err:
            raise ToolError(
                f"cannot write '{self.args.output_file}': {err.strerror or err}"
            ) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `pack-opt`; returns the exit status."""
    return run_tool(
        "pack-opt",
        lambda: PackOptMain(
            description="packdialect modular optimizer driver", args=argv
        ).run(),
    )


if __name__ == "__main__":
    sys.exit(main())
