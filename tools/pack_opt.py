"""`pack-opt`: the opt-style driver (xDSL's opt main with packdialect inside).

    pack-opt FILE [-p PIPELINE] [-t TARGET] [-o OUT] [--split-input-file]
             [--verify-diagnostics | --print-diagnostics]
             [--mlir-print-local-scope] [--print-op-generic] ...

Every error a user can cause is printed as `file:line:col: error: message`
(or `pack-opt: error: ...` when there is no location) with a non-zero exit.
The output prints as mlir-opt prints (packdialect/ir/printer.py).
`--verify-diagnostics` means what it means in mlir-opt: the `expected-error`
/ `-warning` / `-remark` / `-note` annotations of each chunk must match the
diagnostics it produces, else exit 1 naming both (tools/verify_diagnostics.py);
`--print-diagnostics` (xDSL's `--verify-diagnostics`) prints each chunk's
error in place of its output and exits 0, for FileCheck.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from io import StringIO

from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import DiagnosticException
from xdsl.xdsl_opt_main import xDSLOptMain

from packdialect.diagnostics import (
    Diagnostic,
    ToolError,
    capture_diagnostics,
    diagnostic_error,
    run_tool,
)
from packdialect.ir.context import register_dialects
from packdialect.ir.parse import parse_source, verify_located
from tools.verify_diagnostics import expectations, verify

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

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        for action in arg_parser._actions:
            if action.dest == "verify_diagnostics":
                action.help = (
                    "check the expected-error/warning/remark/note annotations of "
                    "each chunk against its diagnostics (as mlir-opt); exit 1 on "
                    "any mismatch"
                )
        arg_parser.add_argument(
            "--print-diagnostics",
            action="store_true",
            help="print each chunk's error in place of its output and go on",
        )
        arg_parser.add_argument(
            "--mlir-print-local-scope",
            action="store_true",
            help="print affine maps inline instead of through #map aliases",
        )

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
        from packdialect.ir.printer import MlirOptTarget

        self.available_targets.update(TARGETS)
        self.available_targets["mlir"] = lambda: MlirOptTarget
        super().register_all_targets()

    def output_resulting_program(self, prog: ModuleOp) -> str:
        """The output text; the `mlir` target prints as mlir-opt does."""
        if self.args.target != "mlir":
            return super().output_resulting_program(prog)
        from packdialect.ir.printer import print_module

        return (
            print_module(
                prog,
                self.ctx,
                local_scope=self.args.mlir_print_local_scope,
                print_generic_format=self.args.print_op_generic,
                print_properties_as_attributes=self.args.print_no_properties,
                print_debuginfo=self.args.print_debuginfo,
            )
            + "\n"
        )

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
        if not self.args.disable_verify:
            verify_located(module, self.input_name())
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

    def run(self) -> int:  # type: ignore[override]
        """Process every chunk; write the output only when all succeeded.

        `--verify-diagnostics` checks each chunk's diagnostics against its
        `expected-*` annotations (tools/verify_diagnostics.py) and exits 1 on
        any mismatch; `--print-diagnostics` prints each chunk's error in
        place of its output and goes on (for FileCheck).
        """
        out = StringIO()
        problems: list[str] = []
        for i, (text, offset) in enumerate(self.chunks(self.read_input())):
            if i:
                out.write(SPLIT_MARKER + "\n")
            if self.args.verify_diagnostics:
                printed, found = self.verify_chunk(text, offset)
                out.write(printed)
                problems += found
                continue
            try:
                out.write(self.process_chunk(text, offset))
            except ToolError as err:
                if not self.args.print_diagnostics:
                    raise
                out.write(f"{err}\n")
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        self.write_output(out.getvalue())
        return 0

    def verify_chunk(self, text: str, offset: int) -> tuple[str, list[str]]:
        """(the chunk's output, its annotation mismatches)."""
        expected = expectations(text, self.input_name(), offset)
        printed = ""
        with capture_diagnostics() as produced:
            try:
                printed = self.process_chunk(text, offset)
            except ToolError as err:
                produced.append(Diagnostic("error", err.location, err.message))
        return printed, verify(expected, produced)

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
