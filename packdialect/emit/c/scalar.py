"""Scalar C expressions for arith and math ops, and the helper functions they need.

`ScalarExprs.expr(name, args, arg_types, res_type, op)` returns one C
expression computing an arith/math op on scalar operands that are already C
expressions (variable names, literals or vector lanes such as `v3[l]`). The
vector emitter reuses it lane by lane, so every scalar semantic lives here once.

Integer semantics follow MLIR's signless integers: wrapping +, -, * and <<
are computed in unsigned C types; signed ops (divsi, shrsi, cmpi slt...) use
the signed C type; unsigned ops cast to the unsigned type of the same width.
`index` arithmetic is plain signed int64_t arithmetic (no wrap-around).
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects.builtin import Float16Type, Float64Type, IndexType
from xdsl.ir import Attribute, Operation

from packdialect.emit.c.types import (
    EmitError,
    compute_ctype,
    int_width,
    is_bf16,
    is_float,
    is_i1,
    is_int_like,
    promoted_unsigned_ctype,
    scalar_ctype,
    type_suffix,
    unsigned_ctype,
)

CMPI_PREDICATES = ("eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge")
CMPF_PREDICATES = (
    "false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord",
    "ueq", "ugt", "uge", "ult", "ule", "une", "uno", "true",
)  # fmt: skip

_C_COMPARE = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
# An unordered float predicate is the negation of the ordered inverse.
_UNORDERED_INVERSE = {"ugt": "ole", "uge": "olt", "ult": "oge", "ule": "ogt"}

_MATH_UNARY = {
    "math.absf": "fabs", "math.acos": "acos", "math.acosh": "acosh",
    "math.asin": "asin", "math.asinh": "asinh", "math.atan": "atan",
    "math.atanh": "atanh", "math.cbrt": "cbrt", "math.ceil": "ceil",
    "math.cos": "cos", "math.cosh": "cosh", "math.erf": "erf", "math.exp": "exp",
    "math.exp2": "exp2", "math.expm1": "expm1", "math.floor": "floor",
    "math.log": "log", "math.log10": "log10", "math.log1p": "log1p",
    "math.log2": "log2", "math.round": "round", "math.roundeven": "nearbyint",
    "math.sin": "sin", "math.sinh": "sinh", "math.sqrt": "sqrt", "math.tan": "tan",
    "math.tanh": "tanh", "math.trunc": "trunc",
}  # fmt: skip
_MATH_BINARY = {"math.powf": "pow", "math.atan2": "atan2", "math.copysign": "copysign"}

_FLOAT_BINARY = {
    "arith.addf": "+",
    "arith.subf": "-",
    "arith.mulf": "*",
    "arith.divf": "/",
}
_WRAPPING = {"arith.addi": "+", "arith.subi": "-", "arith.muli": "*"}
_BITWISE = {"arith.andi": "&", "arith.ori": "|", "arith.xori": "^"}
_I1_WRAPPING = {"arith.addi": "^", "arith.subi": "^", "arith.muli": "&"}

_BF16_HELPERS = """\
static inline float pdh_bf16_to_f32(uint16_t x) {
  uint32_t bits = (uint32_t)x << 16;
  float f;
  __builtin_memcpy(&f, &bits, sizeof f);
  return f;
}

static inline uint16_t pdh_f32_to_bf16(float f) {
  uint32_t bits;
  __builtin_memcpy(&bits, &f, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return (uint16_t)(bits >> 16);
}
"""


class Helpers:
    """The static inline C helper functions a translation unit needs, in order."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}

    def require(self, name: str, make_text: Callable[[], str]) -> str:
        """Register helper `name` (built by `make_text` once) and return its name."""
        if name not in self._texts:
            self._texts[name] = make_text()
        return name

    def bf16(self) -> None:
        """Register the bf16 <-> f32 conversion helpers."""
        self.require("pdh_bf16_to_f32", lambda: _BF16_HELPERS)

    def text(self) -> str:
        """All registered helpers, in registration order."""
        return "\n".join(self._texts.values())


class ScalarExprs:
    """Builds C expressions for scalar arith and math ops."""

    def __init__(self, helpers: Helpers) -> None:
        self.helpers = helpers

    # -- float plumbing -----------------------------------------------------

    def to_compute(self, expr: str, t: Attribute) -> str:
        """`expr` of float type `t` converted to its compute type (float/double)."""
        if is_bf16(t):
            self.helpers.bf16()
            return f"pdh_bf16_to_f32({expr})"
        if isinstance(t, Float16Type):
            return f"(float){expr}"
        return expr

    def from_compute(self, expr: str, t: Attribute) -> str:
        """`expr` of compute type converted (rounded) to float type `t`."""
        if is_bf16(t):
            self.helpers.bf16()
            return f"pdh_f32_to_bf16({expr})"
        if isinstance(t, Float16Type):
            return f"(_Float16)({expr})"
        return expr

    def math_call(self, fn: str, args: list[str], t: Attribute) -> str:
        """A <math.h> call on float type `t` (f suffix for f32/f16/bf16)."""
        suffix = "" if isinstance(t, Float64Type) else "f"
        inner = ", ".join(self.to_compute(a, t) for a in args)
        return self.from_compute(f"{fn}{suffix}({inner})", t)

    # -- entry point --------------------------------------------------------

    def expr(
        self,
        name: str,
        args: list[str],
        arg_types: list[Attribute],
        res_type: Attribute,
        op: Operation | None = None,
    ) -> str:
        """The C expression of scalar op `name` (raise EmitError if unknown)."""
        for builder in (
            self._float_arith,
            self._int_arith,
            self._compare,
            self._minmax,
            self._cast,
            self._math,
        ):
            result = builder(name, args, arg_types, res_type, op)
            if result is not None:
                return result
        raise EmitError(f"unsupported operation '{name}' in the C emitter")

    # -- families -----------------------------------------------------------

    def _float_arith(self, name, args, arg_types, res_type, op) -> str | None:
        t = res_type
        if name in _FLOAT_BINARY:
            a, b = args
            if is_bf16(t):
                inner = f"{self.to_compute(a, t)} {_FLOAT_BINARY[name]} {self.to_compute(b, t)}"
                return self.from_compute(inner, t)
            return f"({a} {_FLOAT_BINARY[name]} {b})"
        if name == "arith.negf":
            if is_bf16(t):
                return f"(uint16_t)({args[0]} ^ 0x8000u)"
            return f"(-{args[0]})"
        if name == "arith.remf":
            return self.math_call("fmod", args, t)
        return None

    def _int_arith(self, name, args, arg_types, res_type, op) -> str | None:
        t = res_type
        if name in _WRAPPING:
            a, b = args
            if is_i1(t):
                return f"({a} {_I1_WRAPPING[name]} {b})"
            if isinstance(t, IndexType):
                return f"({a} {_WRAPPING[name]} {b})"
            p = promoted_unsigned_ctype(t)
            return f"({scalar_ctype(t)})(({p}){a} {_WRAPPING[name]} ({p}){b})"
        if name in _BITWISE:
            return f"({args[0]} {_BITWISE[name]} {args[1]})"
        if name in ("arith.divsi", "arith.remsi"):
            op_text = "/" if name == "arith.divsi" else "%"
            a, b = (self._signed_view(x, t) for x in args)
            return f"({scalar_ctype(t)})({a} {op_text} {b})"
        if name in ("arith.divui", "arith.remui"):
            op_text = "/" if name == "arith.divui" else "%"
            u = unsigned_ctype(t)
            return f"({scalar_ctype(t)})(({u}){args[0]} {op_text} ({u}){args[1]})"
        if name in ("arith.ceildivsi", "arith.floordivsi", "arith.ceildivui"):
            return f"{self._division_helper(name, t)}({args[0]}, {args[1]})"
        return self._shift(name, args, t)

    def _shift(self, name, args, t) -> str | None:
        a, b = args if len(args) == 2 else (None, None)
        if name == "arith.shli":
            p = promoted_unsigned_ctype(t)
            return f"({scalar_ctype(t)})(({p}){a} << ({p}){b})"
        if name == "arith.shrui":
            u = unsigned_ctype(t)
            return f"({scalar_ctype(t)})(({u}){a} >> ({u}){b})"
        if name == "arith.shrsi":
            return f"({scalar_ctype(t)})({self._signed_view(a, t)} >> {b})"
        return None

    def _signed_view(self, expr: str, t: Attribute) -> str:
        """`expr` as a signed C value (an i1 `true` is -1 when read as signed)."""
        return f"(-(int){expr})" if is_i1(t) else expr

    def _division_helper(self, name: str, t: Attribute) -> str:
        """Name of the helper implementing ceildivsi / floordivsi / ceildivui on t."""
        ctype, u = scalar_ctype(t), unsigned_ctype(t)
        helper = f"pdh_{name.split('.')[1]}_{type_suffix(t)}"
        bodies = {
            "arith.floordivsi": (
                f"  {ctype} q = a / b;\n"
                f"  return (a % b != 0 && ((a < 0) != (b < 0))) ? ({ctype})(q - 1) : q;\n"
            ),
            "arith.ceildivsi": (
                f"  {ctype} q = a / b;\n"
                f"  return (a % b != 0 && ((a < 0) == (b < 0))) ? ({ctype})(q + 1) : q;\n"
            ),
            "arith.ceildivui": (
                f"  {u} x = ({u})a, y = ({u})b;\n"
                f"  return ({ctype})(x / y + (x % y != 0));\n"
            ),
        }
        text = f"static inline {ctype} {helper}({ctype} a, {ctype} b) {{\n{bodies[name]}}}\n"
        return self.helpers.require(helper, lambda: text)

    def _compare(self, name, args, arg_types, res_type, op) -> str | None:
        if name == "arith.select":
            return f"({args[0]} ? {args[1]} : {args[2]})"
        if name not in ("arith.cmpi", "arith.cmpf"):
            return None
        predicate = _predicate(op)
        if name == "arith.cmpi":
            return self._cmpi(CMPI_PREDICATES[predicate], args, arg_types[0])
        return self._cmpf(CMPF_PREDICATES[predicate], args, arg_types[0])

    def _cmpi(self, predicate: str, args: list[str], t: Attribute) -> str:
        a, b = args
        if predicate in ("eq", "ne"):
            return f"({a} {_C_COMPARE[predicate]} {b})"
        relation = _C_COMPARE[predicate[1:]]
        if predicate[0] == "s":
            return f"({self._signed_view(a, t)} {relation} {self._signed_view(b, t)})"
        u = unsigned_ctype(t)
        return f"(({u}){a} {relation} ({u}){b})"

    def _cmpf(self, predicate: str, args: list[str], t: Attribute) -> str:
        if predicate in ("false", "true"):
            return f"((void){args[0]}, (void){args[1]}, {predicate})"
        a, b = (self.to_compute(x, t) for x in args)
        if predicate == "ord":
            return f"(!__builtin_isnan({a}) && !__builtin_isnan({b}))"
        if predicate == "uno":
            return f"(__builtin_isnan({a}) || __builtin_isnan({b}))"
        if predicate == "one":
            return f"({a} < {b} || {a} > {b})"
        if predicate == "ueq":
            return f"!({a} < {b} || {a} > {b})"
        if predicate == "une":
            return f"({a} != {b})"
        if predicate in _UNORDERED_INVERSE:
            inverse = _UNORDERED_INVERSE[predicate]
            return f"!({a} {_C_COMPARE[inverse[1:]]} {b})"
        return f"({a} {_C_COMPARE[predicate[1:]]} {b})"

    def _minmax(self, name, args, arg_types, res_type, op) -> str | None:
        t = res_type
        kind = name.split(".")[1]
        if kind in ("maxsi", "minsi", "maxui", "minui"):
            a, b = args
            relation = ">" if kind.startswith("max") else "<"
            predicate = ("s" if kind.endswith("si") else "u") + relation
            cond = self._cmpi(
                {"s>": "sgt", "s<": "slt", "u>": "ugt", "u<": "ult"}[predicate], args, t
            )
            return f"({cond} ? {a} : {b})"
        if kind in ("maxnumf", "minnumf"):
            return self.math_call("fmax" if kind == "maxnumf" else "fmin", args, t)
        if kind in ("maximumf", "minimumf"):
            helper = self._nan_minmax_helper(kind, t)
            inner = ", ".join(self.to_compute(a, t) for a in args)
            return self.from_compute(f"{helper}({inner})", t)
        return None

    def _nan_minmax_helper(self, kind: str, t: Attribute) -> str:
        """maximumf / minimumf: NaN propagating, -0 < +0 (MLIR semantics)."""
        ctype = compute_ctype(t)
        helper = f"pdh_{kind}_{'f64' if ctype == 'double' else 'f32'}"
        better = ">" if kind == "maximumf" else "<"
        # On equal values (+0 vs -0) max keeps the non-negative, min the negative.
        tie = "b : a" if kind == "maximumf" else "a : b"
        text = (
            f"static inline {ctype} {helper}({ctype} a, {ctype} b) {{\n"
            f"  if (__builtin_isnan(a)) return a;\n"
            f"  if (__builtin_isnan(b)) return b;\n"
            f"  if (a {better} b) return a;\n"
            f"  if (b {better} a) return b;\n"
            f"  return __builtin_signbit(a) ? {tie};\n"
            f"}}\n"
        )
        return self.helpers.require(helper, lambda: text)

    def _cast(self, name, args, arg_types, res_type, op) -> str | None:
        handler = {
            "arith.extsi": self._sign_extend,
            "arith.index_cast": self._sign_extend,
            "arith.extui": self._zero_extend,
            "arith.index_castui": self._zero_extend,
            "arith.trunci": self._sign_extend,
            "arith.sitofp": self._int_to_float,
            "arith.uitofp": self._int_to_float,
            "arith.fptosi": self._float_to_int,
            "arith.fptoui": self._float_to_int,
            "arith.extf": self._float_to_float,
            "arith.truncf": self._float_to_float,
            "arith.bitcast": self._bitcast,
        }.get(name)
        if handler is None:
            return None
        return handler(name, args[0], arg_types[0], res_type)

    def _sign_extend(self, name: str, a: str, src: Attribute, dst: Attribute) -> str:
        """extsi / trunci / index_cast: two's complement resize."""
        if is_i1(dst):
            return f"(bool)({a} & 1)"
        return f"({scalar_ctype(dst)}){self._signed_view(a, src)}"

    def _zero_extend(self, name: str, a: str, src: Attribute, dst: Attribute) -> str:
        """extui / index_castui: zero-extending resize (truncating if narrower)."""
        if is_i1(dst):
            return f"(bool)({a} & 1)"
        if int_width(dst) <= int_width(src):
            return f"({scalar_ctype(dst)}){a}"
        return f"({scalar_ctype(dst)})({unsigned_ctype(src)}){a}"

    def _int_to_float(self, name: str, a: str, src: Attribute, dst: Attribute) -> str:
        if name == "arith.uitofp":
            value = f"({unsigned_ctype(src)}){a}"
        else:
            value = self._signed_view(a, src)
        return self.from_compute(f"({compute_ctype(dst)}){value}", dst)

    def _float_to_int(self, name: str, a: str, src: Attribute, dst: Attribute) -> str:
        value = self.to_compute(a, src)
        if is_i1(dst):
            return f"(bool)(({'int' if name == 'arith.fptosi' else 'unsigned'}){value} & 1)"
        if name == "arith.fptoui":
            return f"({scalar_ctype(dst)})({unsigned_ctype(dst)}){value}"
        return f"({scalar_ctype(dst)}){value}"

    def _float_to_float(self, name: str, a: str, src: Attribute, dst: Attribute) -> str:
        if is_bf16(src) or is_bf16(dst):
            return self.from_compute(
                f"({compute_ctype(dst)}){self.to_compute(a, src)}", dst
            )
        return f"({scalar_ctype(dst)}){a}"

    def _bitcast(self, name: str, a: str, src: Attribute, dst: Attribute) -> str:
        if scalar_ctype(src) == scalar_ctype(dst):
            return a
        s, d = scalar_ctype(src), scalar_ctype(dst)
        helper = f"pdh_bitcast_{type_suffix(src)}_{type_suffix(dst)}"
        text = (
            f"static inline {d} {helper}({s} a) {{\n"
            f"  {d} r;\n  __builtin_memcpy(&r, &a, sizeof r);\n  return r;\n}}\n"
        )
        return f"{self.helpers.require(helper, lambda: text)}({a})"

    def _math(self, name, args, arg_types, res_type, op) -> str | None:
        t = res_type
        if name in _MATH_UNARY and is_float(t):
            return self.math_call(_MATH_UNARY[name], args, t)
        if name in _MATH_BINARY and is_float(t):
            return self.math_call(_MATH_BINARY[name], args, t)
        if name == "math.fma" and is_float(t):
            return self.math_call("fma", args, t)
        if name == "math.rsqrt" and is_float(t):
            one = "1.0" if isinstance(t, Float64Type) else "1.0f"
            inner = self.to_compute(args[0], t)
            suffix = "" if isinstance(t, Float64Type) else "f"
            return self.from_compute(f"({one} / sqrt{suffix}({inner}))", t)
        if is_int_like(t):
            return self._int_math(name, args, t)
        return None

    def _int_math(self, name: str, args: list[str], t: Attribute) -> str | None:
        a = args[0] if args else ""
        width = int_width(t)
        ctype, u = scalar_ctype(t), unsigned_ctype(t)
        long = "ll" if width == 64 else ""
        if name == "math.absi":
            p = promoted_unsigned_ctype(t)
            return f"({ctype})({a} < 0 ? -({p}){a} : ({p}){a})"
        if name == "math.ctpop":
            return f"({ctype})__builtin_popcount{long}(({u}){a})"
        if name == "math.cttz":
            return f"({ctype})({a} == 0 ? {width} : __builtin_ctz{long}(({u}){a}))"
        if name == "math.ctlz":
            base = 64 if width == 64 else 32
            return (
                f"({ctype})({a} == 0 ? {width} : "
                f"__builtin_clz{long}(({u}){a}) - {base - width})"
            )
        return None


def _predicate(op: Operation | None) -> int:
    """The integer predicate of an arith.cmpi / arith.cmpf op."""
    if op is None:
        raise EmitError("comparison without its op")
    attr = op.properties.get("predicate")
    if attr is None:
        attr = op.attributes.get("predicate")
    if attr is None:
        raise EmitError(f"'{op.name}' has no predicate")
    return attr.value.data  # type: ignore[union-attr]
