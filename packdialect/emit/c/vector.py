"""vector ops (and elementwise arith/math on vectors) for the C emitter.

1-D vectors are GCC vector types; n-D vectors are structs of 1-D rows (see
`types.py`). Elementwise ops use GCC's vector operators where they match
MLIR semantics exactly and otherwise a lane loop over the scalar expression
from `scalar.py`; n-D ops loop over rows. `vector.fma` uses the x86 FMA
intrinsics when the vector is one native register, so the accumulation is
fused whatever `-ffp-contract` says.
"""

from __future__ import annotations

from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    DenseIntOrFPElementsAttr,
    Float32Type,
    Float64Type,
    VectorType,
)
from xdsl.ir import Attribute, Operation, SSAValue

from packdialect.emit.c import index as ix
from packdialect.emit.c.base import EmitterBase
from packdialect.emit.c.memref import dense_array, element_text
from packdialect.emit.c.types import (
    EmitError,
    VectorInfo,
    byte_size,
    is_bf16,
    is_float,
    is_i1,
    vector_info,
)

_FLOAT_NATIVE = {
    "arith.addf": "+",
    "arith.subf": "-",
    "arith.mulf": "*",
    "arith.divf": "/",
}
_WRAPPING = {"arith.addi": "+", "arith.subi": "-", "arith.muli": "*"}
_I1_WRAPPING = {"arith.addi": "^", "arith.subi": "^", "arith.muli": "&"}
_BITWISE = {"arith.andi": "&", "arith.ori": "|", "arith.xori": "^"}
_CONVERT_SIGNED = {
    "arith.sitofp", "arith.extsi", "arith.trunci", "arith.extf", "arith.truncf",
    "arith.fptosi", "arith.index_cast",
}  # fmt: skip
_CONVERT_UNSIGNED = {"arith.uitofp", "arith.extui", "arith.index_castui"}

_REDUCTION_OPS = {
    "add": ("arith.addf", "arith.addi"), "mul": ("arith.mulf", "arith.muli"),
    "minui": (None, "arith.minui"), "minsi": (None, "arith.minsi"),
    "maxui": (None, "arith.maxui"), "maxsi": (None, "arith.maxsi"),
    "minnumf": ("arith.minnumf", None), "maxnumf": ("arith.maxnumf", None),
    "minimumf": ("arith.minimumf", None), "maximumf": ("arith.maximumf", None),
    "and": (None, "arith.andi"), "or": (None, "arith.ori"), "xor": (None, "arith.xori"),
}  # fmt: skip

# (element, bytes) -> (intrinsic type, fmadd intrinsic, guard macro)
_FMA_INTRINSICS = {
    ("f32", 64): ("__m512", "_mm512_fmadd_ps", "__AVX512F__"),
    ("f32", 32): ("__m256", "_mm256_fmadd_ps", "__FMA__"),
    ("f32", 16): ("__m128", "_mm_fmadd_ps", "__FMA__"),
    ("f64", 64): ("__m512d", "_mm512_fmadd_pd", "__AVX512F__"),
    ("f64", 32): ("__m256d", "_mm256_fmadd_pd", "__FMA__"),
    ("f64", 16): ("__m128d", "_mm_fmadd_pd", "__FMA__"),
}


def _lane(expr: str) -> str:
    return f"{expr}[l]"


def _row(expr: str, row: str | int) -> str:
    return f"{expr}.row[{row}]"


class VectorEmitterMixin(EmitterBase):
    """vector op translation; mixed into CEmitter (uses its core methods)."""

    def vector_handlers(self) -> dict:
        """Op name -> handler for the vector dialect."""
        return {
            "vector.load": self._emit_vector_load,
            "vector.store": self._emit_vector_store,
            "vector.maskedload": self._emit_masked_load,
            "vector.maskedstore": self._emit_masked_store,
            "vector.create_mask": self._emit_create_mask,
            "vector.transfer_read": self._emit_transfer_read,
            "vector.transfer_write": self._emit_transfer_write,
            "vector.broadcast": self._emit_broadcast,
            "vector.splat": self._emit_broadcast,
            "vector.fma": self._emit_vector_fma,
            "vector.extract": self._emit_extract,
            "vector.insert": self._emit_insert,
            "vector.reduction": self._emit_reduction,
            "vector.bitcast": self._emit_vector_bitcast,
            "vector.shuffle": self._emit_shuffle,
            "vector.shape_cast": self._emit_shape_cast,
        }

    # -- declarations -----------------------------------------------------------

    def _new_vector(self, t: Attribute, zero: bool) -> str:
        """Declare an (optionally zeroed) vector variable of type t; return its name."""
        name = self.fresh()
        ctype = self.ctype(t)
        self.line(f"{ctype} {name}" + (" = {0};" if zero else ";"))
        return name

    def _row_ctype(self, info: VectorInfo) -> str:
        return self.vector_ctype(info.row_info)

    def _lane_loop(self, target: str, lanes: int, expression: str) -> None:
        self.line(f"for (int l = 0; l < {lanes}; ++l) {target}[l] = {expression};")

    def _rows(self, info: VectorInfo):
        """Context manager looping `r` over the rows of an n-D vector."""
        return self.block(f"for (int r = 0; r < {info.rows}; ++r) {{")

    def vector_constant(self, value: Attribute | None, t: VectorType) -> str:
        """A brace initializer for a dense vector constant."""
        if not isinstance(value, DenseIntOrFPElementsAttr):
            raise EmitError(f"unsupported vector constant '{value}' in the C emitter")
        info = vector_info(t)
        values = dense_array(value, info.elem).tolist()
        if len(values) == 1:
            values = values * (info.rows * info.lanes)
        texts = [element_text(v, info.elem) for v in values]
        pad = ["0"] * (info.padded - info.lanes)
        rows = [
            "{" + ", ".join(texts[r * info.lanes : (r + 1) * info.lanes] + pad) + "}"
            for r in range(info.rows)
        ]
        return rows[0] if info.is_1d else "{{" + ", ".join(rows) + "}}"

    # -- elementwise ------------------------------------------------------------

    def emit_vector_elementwise(self, op: Operation, kind: str | None = None) -> None:
        """An arith/math op on vectors: GCC vector operators or a lane loop.

        `kind` overrides the op's name (vector.fma on f16 runs as math.fma).
        """
        kind = kind or op.name
        result = op.results[0]
        info = vector_info(result.type)
        operands = [self.expr(v) for v in op.operands]
        is_vector = [isinstance(v.type, VectorType) for v in op.operands]
        if info.is_1d:
            native = self._native_expr(op, kind, operands, info)
            if native is not None:
                self.declare(result, native)
                return
            name = self._new_vector(result.type, zero=True)
            lanes = self._lane_expr(op, kind, operands, is_vector)
            self._lane_loop(name, info.lanes, lanes)
            self.bind(result, name)
            return
        name = self._new_vector(result.type, zero=True)
        rows = [
            _row(e, "r") if v else e for e, v in zip(operands, is_vector, strict=True)
        ]
        native = self._native_expr(op, kind, rows, info.row_info)
        with self._rows(info):
            if native is not None:
                self.line(f"{_row(name, 'r')} = {native};")
            else:
                expression = self._lane_expr(op, kind, rows, is_vector)
                self._lane_loop(_row(name, "r"), info.lanes, expression)
        self.bind(result, name)

    def _lane_expr(
        self, op: Operation, kind: str, operands: list[str], is_vector: list[bool]
    ) -> str:
        args = [_lane(e) if v else e for e, v in zip(operands, is_vector, strict=True)]
        types = [_element_type(v.type) for v in op.operands]
        result_type = _element_type(op.results[0].type)
        return self.scalars.expr(kind, args, types, result_type, op)

    def _native_expr(
        self, op: Operation, kind: str, args: list[str], info: VectorInfo
    ) -> str | None:
        """A GCC vector-operator expression with exact MLIR semantics, or None."""
        elem = info.elem
        if kind in _FLOAT_NATIVE and is_float(elem) and not is_bf16(elem):
            return f"{args[0]} {_FLOAT_NATIVE[kind]} {args[1]}"
        if kind == "arith.negf" and not is_bf16(elem):
            return f"-{args[0]}"
        if kind == "arith.select" and not isinstance(op.operands[0].type, VectorType):
            return f"{args[0]} ? {args[1]} : {args[2]}"
        if kind in _BITWISE:
            return f"{args[0]} {_BITWISE[kind]} {args[1]}"
        if kind in _WRAPPING and not is_float(elem):
            if is_i1(elem):
                return f"{args[0]} {_I1_WRAPPING[kind]} {args[1]}"
            return self._unsigned_binary(_WRAPPING[kind], args, info)
        if not is_float(elem) and not is_i1(elem):
            native = self._native_int(kind, args, info)
            if native is not None:
                return native
        return self._native_cast(op, kind, args, info)

    def _unsigned_binary(self, operator: str, args: list[str], info: VectorInfo) -> str:
        signed = self.vector_ctype(info)
        unsigned = self.vector_ctype(info, unsigned=True)
        return f"({signed})(({unsigned}){args[0]} {operator} ({unsigned}){args[1]})"

    def _native_int(self, kind: str, args: list[str], info: VectorInfo) -> str | None:
        """Shifts and divisions of integer vectors (no division on padding lanes)."""
        if kind == "arith.shli":
            return self._unsigned_binary("<<", args, info)
        if kind == "arith.shrui":
            return self._unsigned_binary(">>", args, info)
        if kind == "arith.shrsi":
            return f"{args[0]} >> {args[1]}"
        if info.has_padding:
            return None
        if kind in ("arith.divsi", "arith.remsi"):
            return f"{args[0]} {'/' if kind == 'arith.divsi' else '%'} {args[1]}"
        if kind in ("arith.divui", "arith.remui"):
            return self._unsigned_binary(
                "/" if kind == "arith.divui" else "%", args, info
            )
        return None

    def _native_cast(
        self, op: Operation, kind: str, args: list[str], info: VectorInfo
    ) -> str | None:
        source = op.operands[0].type
        if not isinstance(source, VectorType) or len(op.operands) != 1:
            return None
        src_elem = source.get_element_type()
        if any(is_bf16(t) for t in (src_elem, info.elem)) or is_i1(info.elem):
            return None
        target = self.vector_ctype(info)
        if kind in _CONVERT_SIGNED and not is_i1(src_elem):
            return f"__builtin_convertvector({args[0]}, {target})"
        if kind in _CONVERT_UNSIGNED:
            src_info = VectorInfo((info.lanes,), src_elem)
            unsigned = self.vector_ctype(src_info, unsigned=True)
            view = args[0] if is_i1(src_elem) else f"({unsigned}){args[0]}"
            return f"__builtin_convertvector({view}, {target})"
        if kind == "arith.fptoui":
            unsigned = self.vector_ctype(info, unsigned=True)
            return f"({target})__builtin_convertvector({args[0]}, {unsigned})"
        return None

    # -- fma / broadcast --------------------------------------------------------

    def _fma_helper(self, info: VectorInfo) -> str:
        """Name of `pdh_fma_<type>(a, b, c)`: intrinsics when one register fits."""
        ctype = self.vector_ctype(info)
        helper = f"pdh_fma_{ctype}"
        suffix = "f" if isinstance(info.elem, Float32Type) else ""
        key = (
            {Float32Type: "f32", Float64Type: "f64"}.get(type(info.elem)),
            info.padded * byte_size(info.elem),
        )
        intrinsic = _FMA_INTRINSICS.get(key)  # type: ignore[arg-type]
        loop = (
            f"  {ctype} r = {{0}};\n"
            f"  for (int l = 0; l < {info.lanes}; ++l) r[l] = __builtin_fma{suffix}(a[l], b[l], c[l]);\n"
            f"  return r;\n"
        )
        body = loop
        if intrinsic is not None:
            self.uses_intrinsics = True
            reg, fn, guard = intrinsic
            body = (
                f"#if defined({guard})\n"
                f"  return ({ctype}){fn}(({reg})a, ({reg})b, ({reg})c);\n"
                f"#else\n{loop}#endif\n"
            )
        text = f"static inline {ctype} {helper}({ctype} a, {ctype} b, {ctype} c) {{\n{body}}}\n"
        return self.helpers.require(helper, lambda: text)

    def _emit_vector_fma(self, op: Operation) -> None:
        result = op.results[0]
        info = vector_info(result.type)
        a, b, c = (self.expr(v) for v in op.operands)
        if not is_float(info.elem) or is_bf16(info.elem) or info.elem.name == "f16":
            self.emit_vector_elementwise(op, "math.fma")
            return
        helper = self._fma_helper(info.row_info)
        if info.is_1d:
            self.declare(result, f"{helper}({a}, {b}, {c})")
            return
        name = self._new_vector(result.type, zero=False)
        with self._rows(info):
            rows = ", ".join(_row(x, "r") for x in (a, b, c))
            self.line(f"{_row(name, 'r')} = {helper}({rows});")
        self.bind(result, name)

    def _splat(self, scalar: str, info: VectorInfo) -> str:
        """A compound literal with every lane of a 1-D vector set to `scalar`."""
        ctype = self.vector_ctype(info.row_info)
        return f"({ctype}){{{', '.join([scalar] * info.padded)}}}"

    def _emit_broadcast(self, op: Operation) -> None:
        result = op.results[0]
        info = vector_info(result.type)
        source = op.operands[0]
        if not isinstance(source.type, VectorType):
            self._broadcast_scalar(result, self.expr(source), info)
            return
        src_info = vector_info(source.type)
        src = self.expr(source)
        if src_info.lanes == 1 and src_info.rows == 1:
            element = f"{src}[0]" if src_info.is_1d else f"{_row(src, 0)}[0]"
            self._broadcast_scalar(result, element, info)
            return
        name = self._new_vector(result.type, zero=False)
        offset = len(info.shape) - len(src_info.shape)
        for row in range(info.rows):
            position = info.row_position(row)[offset:]
            src_position = tuple(
                0 if size == 1 else p
                for p, size in zip(position, src_info.shape[:-1], strict=True)
            )
            src_row = (
                src if src_info.is_1d else _row(src, src_info.row_index(src_position))
            )
            value = (
                src_row
                if src_info.lanes == info.lanes
                else self._splat(f"{src_row}[0]", info)
            )
            self.line(f"{self._lvalue_row(name, info, row)} = {value};")
        self.bind(result, name)

    def _broadcast_scalar(
        self, result: SSAValue, scalar: str, info: VectorInfo
    ) -> None:
        if info.is_1d:
            self.declare(result, self._splat(scalar, info))
            return
        name = self._new_vector(result.type, zero=False)
        with self._rows(info):
            self.line(f"{_row(name, 'r')} = {self._splat(scalar, info)};")
        self.bind(result, name)

    @staticmethod
    def _lvalue_row(name: str, info: VectorInfo, row: int | str) -> str:
        return name if info.is_1d else _row(name, row)

    # -- extract / insert -------------------------------------------------------

    def _positions(self, op: Operation, dynamic: list[SSAValue]) -> list[ix.Index]:
        static = op.properties["static_position"].get_values()  # type: ignore[union-attr]
        pending = [self.index(v) for v in dynamic]
        return [p if p != DYNAMIC_INDEX else pending.pop(0) for p in static]

    @staticmethod
    def _row_expr(info: VectorInfo, leading: list[ix.Index]) -> ix.Index:
        """The row number of a (partial) leading-dims position."""
        grid = list(info.shape[:-1])
        strides = ix.row_major_strides(grid)  # type: ignore[arg-type]
        return ix.linear(leading, strides[: len(leading)])

    def _emit_extract(self, op: Operation) -> None:
        source = op.operands[0]
        info = vector_info(source.type)
        src = self.expr(source)
        positions = self._positions(op, list(op.operands[1:]))
        result = op.results[0]
        rank = len(info.shape)
        if not positions:
            self.bind(result, src)
            return
        if len(positions) == rank:
            row = self._row_expr(info, positions[:-1])
            holder = src if info.is_1d else _row(src, ix.text(row))
            element = f"{holder}[{ix.text(positions[-1])}]"
            self.declare(result, f"(bool){element}" if is_i1(info.elem) else element)
            return
        row = self._row_expr(info, positions)
        if len(positions) == rank - 1:
            self.declare(result, _row(src, ix.text(row)))
            return
        result_info = vector_info(result.type)
        name = self._new_vector(result.type, zero=False)
        start = row
        with self._rows(result_info):
            self.line(f"{_row(name, 'r')} = {_row(src, ix.text(ix.add(start, 'r')))};")
        self.bind(result, name)

    def _emit_insert(self, op: Operation) -> None:
        source, dest = op.operands[0], op.operands[1]
        info = vector_info(dest.type)
        positions = self._positions(op, list(op.operands[2:]))
        value = self.expr(source)
        result = op.results[0]
        if not positions:
            self.bind(result, value)
            return
        name = self.declare(result, self.expr(dest))
        rank = len(info.shape)
        if len(positions) == rank:
            row = self._row_expr(info, positions[:-1])
            holder = name if info.is_1d else _row(name, ix.text(row))
            self.line(f"{holder}[{ix.text(positions[-1])}] = {value};")
            return
        row = self._row_expr(info, positions)
        if len(positions) == rank - 1:
            self.line(f"{_row(name, ix.text(row))} = {value};")
            return
        source_info = vector_info(source.type)
        start = row
        with self._rows(source_info):
            self.line(
                f"{_row(name, ix.text(ix.add(start, 'r')))} = {_row(value, 'r')};"
            )

    # -- reductions, bitcasts, shuffles ----------------------------------------

    def _emit_reduction(self, op: Operation) -> None:
        source = op.operands[0]
        info = vector_info(source.type)
        if not info.is_1d:
            raise EmitError("vector.reduction of an n-D vector is not supported")
        kind = str(op.properties["kind"].data.value)  # type: ignore[union-attr]
        float_op, int_op = _REDUCTION_OPS.get(kind, (None, None))
        combine = float_op if is_float(info.elem) else int_op
        if combine is None:
            raise EmitError(
                f"vector.reduction <{kind}> on {info.elem} is not supported"
            )
        src = self.expr(source)
        if len(op.operands) > 1:
            initial, start = self.expr(op.operands[1]), 0
        else:
            initial, start = f"{src}[0]", 1
            if is_i1(info.elem):
                initial = f"(bool){initial}"
        name = self.declare(op.results[0], initial)
        t = info.elem
        step = self.scalars.expr(combine, [name, f"{src}[l]"], [t, t], t, op)
        if start < info.lanes:
            self.line(f"for (int l = {start}; l < {info.lanes}; ++l) {name} = {step};")

    def _emit_vector_bitcast(self, op: Operation) -> None:
        source, result = op.operands[0], op.results[0]
        src_info, info = vector_info(source.type), vector_info(result.type)
        if src_info.shape[:-1] != info.shape[:-1]:
            raise EmitError("vector.bitcast changing leading dims is not supported")
        src = self.expr(source)
        nbytes = info.lanes * byte_size(info.elem)
        name = self._new_vector(result.type, zero=info.has_padding)
        for row in range(info.rows):
            target = self._lvalue_row(name, info, row)
            origin = self._lvalue_row(src, src_info, row)
            self.line(f"memcpy(&{target}, &{origin}, {nbytes});")
        self.bind(result, name)

    def _emit_shuffle(self, op: Operation) -> None:
        a, b = op.operands[0], op.operands[1]
        a_info = vector_info(a.type)
        info = vector_info(op.results[0].type)
        if not (info.is_1d and a_info.is_1d):
            raise EmitError("vector.shuffle of n-D vectors is not supported")
        mask = op.properties["mask"].get_values()  # type: ignore[union-attr]
        first, second = self.expr(a), self.expr(b)
        lanes = []
        for index in mask:
            if index < 0:
                lanes.append("0")
            elif index < a_info.lanes:
                lanes.append(f"{first}[{index}]")
            else:
                lanes.append(f"{second}[{index - a_info.lanes}]")
        lanes += ["0"] * (info.padded - info.lanes)
        self.declare(
            op.results[0], f"({self.ctype(op.results[0].type)}){{{', '.join(lanes)}}}"
        )

    def _emit_shape_cast(self, op: Operation) -> None:
        source, result = op.operands[0], op.results[0]
        src_info, info = vector_info(source.type), vector_info(result.type)
        src = self.expr(source)
        if src_info.shape == info.shape:
            self.bind(result, src)
            return
        if not src_info.has_padding and not info.has_padding:
            name = self._new_vector(result.type, zero=False)
            self.line(f"memcpy(&{name}, &{src}, sizeof {name});")
            self.bind(result, name)
            return
        name = self._new_vector(result.type, zero=True)
        total = src_info.rows * src_info.lanes

        def element(holder: str, layout: VectorInfo) -> str:
            if layout.is_1d:
                return f"{holder}[k]"
            return f"{holder}.row[k / {layout.lanes}][k % {layout.lanes}]"

        self.line(
            f"for (int k = 0; k < {total}; ++k) {element(name, info)} = {element(src, src_info)};"
        )
        self.bind(result, name)

    # -- memory -----------------------------------------------------------------

    def _row_indices(
        self, indices: list[ix.Index], info: VectorInfo, row: int
    ) -> list[ix.Index]:
        """Memref indices of row `row` of an n-D vector read at `indices`."""
        position = info.row_position(row)
        first = len(indices) - len(info.shape)
        if first < 0:
            raise EmitError("vector of higher rank than the memref it accesses")
        result = list(indices)
        for j, p in enumerate(position):
            result[first + j] = ix.add(result[first + j], p)
        return result

    def _load_row(
        self, target: str, view, indices: list[ix.Index], info: VectorInfo
    ) -> None:
        stride = view.strides[-1]
        if stride == 1:
            nbytes = info.lanes * byte_size(info.elem)
            self.line(f"memcpy(&{target}, {view.address(indices)}, {nbytes});")
            return
        lane_indices = indices[:-1] + [ix.add(indices[-1], "l")]
        self._lane_loop(target, info.lanes, view.element(lane_indices))

    def _store_row(
        self, source: str, view, indices: list[ix.Index], info: VectorInfo
    ) -> None:
        stride = view.strides[-1]
        if stride == 1:
            nbytes = info.lanes * byte_size(info.elem)
            self.line(f"memcpy({view.address(indices)}, &{source}, {nbytes});")
            return
        lane_indices = indices[:-1] + [ix.add(indices[-1], "l")]
        element = view.element(lane_indices)
        self.line(f"for (int l = 0; l < {info.lanes}; ++l) {element} = {source}[l];")

    def _emit_vector_load(self, op: Operation) -> None:
        view = self.view(op.operands[0])
        indices = self.indices(op.operands[1:])
        result = op.results[0]
        info = vector_info(result.type)
        name = self._new_vector(
            result.type, zero=info.has_padding or view.strides[-1] != 1
        )
        for row in range(info.rows):
            row_indices = self._row_indices(indices, info, row)
            self._load_row(
                self._lvalue_row(name, info, row), view, row_indices, info.row_info
            )
        self.bind(result, name)

    def _emit_vector_store(self, op: Operation) -> None:
        value, memref, *index_values = op.operands
        view = self.view(memref)
        indices = self.indices(index_values)
        info = vector_info(value.type)
        source = self.expr(value)
        for row in range(info.rows):
            row_indices = self._row_indices(indices, info, row)
            self._store_row(
                self._lvalue_row(source, info, row), view, row_indices, info.row_info
            )

    def _emit_masked_load(self, op: Operation) -> None:
        memref, *rest = op.operands
        index_values, mask, pass_thru = rest[:-2], rest[-2], rest[-1]
        view = self.view(memref)
        indices = self.indices(index_values)
        info = vector_info(op.results[0].type)
        name = self.declare(op.results[0], self.expr(pass_thru))
        lane_indices = indices[:-1] + [ix.add(indices[-1], "l")]
        self.line(
            f"for (int l = 0; l < {info.lanes}; ++l) "
            f"if ({self.expr(mask)}[l]) {name}[l] = {view.element(lane_indices)};"
        )

    def _emit_masked_store(self, op: Operation) -> None:
        memref, *rest = op.operands
        index_values, mask, value = rest[:-2], rest[-2], rest[-1]
        view = self.view(memref)
        indices = self.indices(index_values)
        info = vector_info(value.type)
        lane_indices = indices[:-1] + [ix.add(indices[-1], "l")]
        self.line(
            f"for (int l = 0; l < {info.lanes}; ++l) "
            f"if ({self.expr(mask)}[l]) {view.element(lane_indices)} = {self.expr(value)}[l];"
        )

    def _emit_create_mask(self, op: Operation) -> None:
        info = vector_info(op.results[0].type)
        if not info.is_1d:
            raise EmitError("vector.create_mask of an n-D vector is not supported")
        bound = ix.text(self.index(op.operands[0]))
        name = self._new_vector(op.results[0].type, zero=True)
        self._lane_loop(name, info.lanes, f"l < {bound}")
        self.bind(op.results[0], name)

    # -- transfers --------------------------------------------------------------

    def _transfer_dims(self, op: Operation, memref_rank: int) -> list[int | None]:
        """For each vector dim, the memref dim it walks (None: broadcast)."""
        affine_map = op.properties["permutation_map"].data  # type: ignore[union-attr]
        dims: list[int | None] = []
        for expr in affine_map.results:
            kind = type(expr).__name__
            if kind == "AffineDimExpr":
                dims.append(expr.position)
            elif kind == "AffineConstantExpr" and expr.value == 0:
                dims.append(None)
            else:
                raise EmitError(
                    f"unsupported permutation map {affine_map} in the C emitter"
                )
        return dims

    def _in_bounds(self, op: Operation, rank: int) -> list[bool]:
        attr = op.properties.get("in_bounds")
        if attr is None:
            return [False] * rank
        return [bool(b.value.data) for b in attr.data]  # type: ignore[union-attr]

    def _transfer_is_load(
        self, dims: list[int | None], in_bounds: list[bool], memref_rank: int
    ) -> bool:
        minor = list(range(memref_rank - len(dims), memref_rank))
        return dims == minor and all(in_bounds)

    def _transfer_access(self, op, view, indices, info, row: int, dims, in_bounds):
        """(memref indices, bounds condition) of lane `l` of row `row`."""
        position = list(info.row_position(row)) + ["l"]
        access = list(indices)
        conditions: list[str] = []
        for j, dim in enumerate(dims):
            if dim is None:
                continue
            access[dim] = ix.add(access[dim], position[j])
            if not in_bounds[j]:
                conditions.append(
                    f"{ix.atom(access[dim])} < {ix.atom(view.sizes[dim])}"
                )
        return access, " && ".join(conditions)

    def _check_no_mask(self, op: Operation) -> None:
        mask = getattr(op, "mask", None)
        if mask is not None:
            raise EmitError(f"masked {op.name} is not supported by the C emitter")

    def _emit_transfer_read(self, op: Operation) -> None:
        self._check_no_mask(op)
        source = op.operands[0]
        view = self.view(source)
        memref_rank = len(view.sizes)
        indices = self.indices(op.operands[1 : 1 + memref_rank])
        padding = self.expr(op.operands[1 + memref_rank])
        info = vector_info(op.results[0].type)
        dims = self._transfer_dims(op, memref_rank)
        in_bounds = self._in_bounds(op, len(dims))
        if self._transfer_is_load(dims, in_bounds, memref_rank):
            self._emit_vector_load_like(op.results[0], view, indices, info)
            return
        name = self._new_vector(op.results[0].type, zero=True)
        for row in range(info.rows):
            access, condition = self._transfer_access(
                op, view, indices, info, row, dims, in_bounds
            )
            value = view.element(access)
            if condition:
                value = f"({condition}) ? {value} : {padding}"
            self._lane_loop(self._lvalue_row(name, info, row), info.lanes, value)
        self.bind(op.results[0], name)

    def _emit_vector_load_like(
        self, result: SSAValue, view, indices, info: VectorInfo
    ) -> None:
        name = self._new_vector(
            result.type, zero=info.has_padding or view.strides[-1] != 1
        )
        for row in range(info.rows):
            row_indices = self._row_indices(indices, info, row)
            self._load_row(
                self._lvalue_row(name, info, row), view, row_indices, info.row_info
            )
        self.bind(result, name)

    def _emit_transfer_write(self, op: Operation) -> None:
        self._check_no_mask(op)
        value, memref = op.operands[0], op.operands[1]
        view = self.view(memref)
        memref_rank = len(view.sizes)
        indices = self.indices(op.operands[2 : 2 + memref_rank])
        info = vector_info(value.type)
        source = self.expr(value)
        dims = self._transfer_dims(op, memref_rank)
        in_bounds = self._in_bounds(op, len(dims))
        if self._transfer_is_load(dims, in_bounds, memref_rank):
            for row in range(info.rows):
                row_indices = self._row_indices(indices, info, row)
                self._store_row(
                    self._lvalue_row(source, info, row),
                    view,
                    row_indices,
                    info.row_info,
                )
            return
        if None in dims:
            raise EmitError(
                "vector.transfer_write with a broadcast map is not supported"
            )
        for row in range(info.rows):
            access, condition = self._transfer_access(
                op, view, indices, info, row, dims, in_bounds
            )
            store = (
                f"{view.element(access)} = {self._lvalue_row(source, info, row)}[l];"
            )
            guard = f"if ({condition}) " if condition else ""
            self.line(f"for (int l = 0; l < {info.lanes}; ++l) {guard}{store}")


def _element_type(t: Attribute) -> Attribute:
    return t.get_element_type() if isinstance(t, VectorType) else t
