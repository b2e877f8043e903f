"""`pd.splice`: MLIR text with holes, inserted where the builder is.

```python
half = pd.splice('''
  %c = arith.constant 0.5 : f32
  %r = arith.mulf %a, %c : f32
''', a=x)
```

The fragment is parsed with the project's Context (every dialect plus
packdialect's ops) by a located parser whose SSA name table starts with the
bindings: `%a` *is* the builder value bound by `a=`. Everything else is
hygienic:

- the fragment sees only its bindings: a free name that is not bound is an
  error (never a capture of some value of the caller's named alike);
- names the fragment defines live in the fragment's own table, so they
  never clash with the caller's or another splice's (the printer renames
  values apart: `%r`, `%r_1`, ...), and a fragment cannot redefine a bound
  name;
- a fragment returns values only through its result (the last op's
  results, or those named in `results=`).

Parse and verification errors are `BuildError`s naming the fragment's
`line:col` and the Python line of the `splice` call. Spliced ops get that
Python location (so later remarks point at the call).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xdsl.context import Context
from xdsl.ir import Operation, SSAValue
from xdsl.parser import UnresolvedOperand
from xdsl.traits import IsTerminator
from xdsl.utils.exceptions import ParseError
from xdsl.utils.lexer import Span
from xdsl.utils.mlir_lexer import MLIRTokenKind

from packdialect.builder.errors import BuildError, build_error
from packdialect.builder.scope import current_scope, location_attr
from packdialect.builder.values import Value, check_visible, wrap
from packdialect.diagnostics import ToolError, location_of
from packdialect.ir.context import make_context, upgrade_legacy_ops
from packdialect.ir.parse import LocatingParser, verify_located

FRAGMENT_NAME = "<fragment>"


class FragmentParser(LocatingParser):
    """A located parser whose SSA table starts with the splice's bindings."""

    def __init__(self, ctx: Context, text: str, bindings: dict[str, SSAValue]):
        super().__init__(ctx, text, FRAGMENT_NAME)
        self.bound = frozenset(bindings)
        self.first_use: dict[str, Span] = {}
        for name, value in bindings.items():
            self.ssa_values[name] = (value,)

    def resolve_operand(self, operand: UnresolvedOperand, type: Any) -> SSAValue:
        name = operand.operand_name
        if name not in self.ssa_values:
            self.first_use.setdefault(name, operand.span)
        return super().resolve_operand(operand, type)

    def _register_ssa_definition(self, name: str, values: Any, span: Span) -> None:
        if name in self.bound:
            self.raise_error(
                f"%{name} is bound by pd.splice({name}=...) and cannot be "
                "redefined in the fragment",
                span,
            )
        super()._register_ssa_definition(name, values, span)

    def parse_fragment(self) -> list[Operation]:
        """Every top-level op of the fragment (aliases `#m = ...` allowed)."""
        ops: list[Operation] = []
        while self._current_token.kind != MLIRTokenKind.EOF:
            if self._current_token.kind in (
                MLIRTokenKind.HASH_IDENT,
                MLIRTokenKind.EXCLAMATION_IDENT,
            ):
                self._parse_alias_def()
                continue
            op = self.parse_optional_operation()
            if op is None:
                self.raise_error("expected an operation")
            ops.append(op)
        if self.forward_ssa_references:
            name = next(iter(self.forward_ssa_references))
            self.raise_error(
                f"%{name} is used but neither defined in the fragment nor bound "
                f"(pass {name}=... to pd.splice)",
                self.first_use.get(name),
            )
        return ops


def _fragment_position(location: str) -> str:
    """`line:col` from `<fragment>:line:col`."""
    return location.removeprefix(f"{FRAGMENT_NAME}:")


def _bindings(bindings: dict[str, Any]) -> dict[str, SSAValue]:
    found: dict[str, SSAValue] = {}
    for name, value in bindings.items():
        if not isinstance(value, Value):
            raise build_error(
                f"pd.splice: {name}= must be a builder value (a tensor or a "
                f"scalar), got {type(value).__name__}"
            )
        found[name] = check_visible(value, f"pd.splice({name}=...)")
    return found


def _parse(
    text: str, bound: dict[str, SSAValue]
) -> tuple[FragmentParser, list[Operation]]:
    parser = FragmentParser(make_context(), text, bound)
    try:
        ops = parser.parse_fragment()
    except ParseError as err:
        where = err.span.get_location()
        message = err.msg.strip().splitlines()[0]
        raise build_error(message, f"{where.line}:{where.col}") from None
    for op in ops:
        upgrade_legacy_ops(op)
        if op.has_trait(IsTerminator):
            raise build_error(
                f"a fragment cannot contain a terminator ('{op.name}'): return the "
                "value from your Python function instead",
                _fragment_position(_location_text(op)),
            )
    return parser, ops


def _location_text(op: Operation) -> str:
    return location_of(op, FRAGMENT_NAME)


def _verify(ops: Sequence[Operation]) -> None:
    for op in ops:
        try:
            verify_located(op)  # type: ignore[arg-type]
        except ToolError as err:
            raise build_error(err.message, _fragment_position(err.location)) from None


def _results(
    parser: FragmentParser, ops: Sequence[Operation], results: Any
) -> list[SSAValue]:
    if results is None:
        return list(ops[-1].results) if ops else []
    names = [results] if isinstance(results, str) else list(results)
    found = []
    for name in names:
        values = parser.ssa_values.get(name.lstrip("%"))
        if values is None or name.lstrip("%") in parser.bound:
            raise build_error(
                f"pd.splice: results= names %{name.lstrip('%')}, "
                "which the fragment does not define at its top level"
            )
        found.extend(values)
    return found


def splice(
    text: str, results: str | Sequence[str] | None = None, **bindings: Any
) -> Any:
    """Insert the ops of MLIR fragment `text`, its free names bound to values.

    Returns the last op's result (a tuple for several, None for none), or
    the values named by `results` (one name: that value; a list: a tuple).
    """
    scope = current_scope("pd.splice")
    if not isinstance(text, str):
        raise build_error("pd.splice takes MLIR text as its first argument")
    parser, ops = _parse(text, _bindings(bindings))
    where = location_attr()
    for op in ops:
        scope.insert(op)
    _verify(ops)
    for op in ops:
        for inner in op.walk():
            inner.location = where
    values = [wrap(v, scope) for v in _results(parser, ops, results)]
    if isinstance(results, str):
        return values[0]
    if results is not None or len(values) > 1:
        return tuple(values)
    return values[0] if values else None


__all__ = ["BuildError", "FragmentParser", "splice"]
