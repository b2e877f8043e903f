"""Builders, type inference, accessors and generalization of packdialect's ops.

Packed shapes are checked against an independent computation written here
from the reference page's "Shape semantics" (outer[d] = ceildiv(S[d], tile)
for tiled dims, then outer_dims_perm, then the tiles in inner_dims_pos order).
"""

from __future__ import annotations

import itertools

import pytest
from xdsl.context import Context
from xdsl.dialects import arith, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    AffineMapAttr,
    ArrayAttr,
    BFloat16Type,
    Float16Type,
    Float32Type,
    IndexType,
    IntegerAttr,
    ModuleOp,
    TensorType,
    f32,
    i8,
    i32,
)
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Attribute, SSAValue
from xdsl.ir.affine import AffineMap
from xdsl.printer import Printer
from xdsl.transforms.linalg_generalize_named_ops import LinalgGeneralizeNamedOpsPass
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.test_value import create_ssa_value

from packdialect.ir.context import make_context, parse_module
from packdialect.ir.ops import (
    BatchMatmulOp,
    BatchMatvecOp,
    BatchMmt4dOp,
    DotOp,
    MatmulOp,
    MatvecOp,
    Mmt4dOp,
    PackOp,
    RelayoutOp,
    UnpackOp,
    VecmatOp,
    infer_packed_shape,
)

D = DYNAMIC_INDEX


def tensor_value(shape: list[int], element: Attribute = f32) -> SSAValue:
    """A detached SSA value of a tensor type, for building ops."""
    return create_ssa_value(TensorType(element, shape))


def index_value() -> SSAValue:
    return create_ssa_value(IndexType())


def expected_packed_shape(shape, inner_dims_pos, tiles, perm=()):
    """The reference page's packed shape, computed independently (None = dynamic)."""
    outer = []
    for d, size in enumerate(shape):
        if d not in inner_dims_pos:
            outer.append(size)
            continue
        tile = tiles[list(inner_dims_pos).index(d)]
        if size is None or tile is None:
            outer.append(None)
        else:
            outer.append((size + tile - 1) // tile)
    if perm:
        outer = [outer[p] for p in perm]
    return outer + list(tiles)


def to_xdsl(shape):
    return [D if s is None else s for s in shape]


def printed(op) -> str:
    from io import StringIO

    out = StringIO()
    Printer(stream=out).print_op(op)
    return out.getvalue()


# --- infer_packed_shape / infer_packed_type ---------------------------------


CASES = [
    # shape, inner_dims_pos, tiles, outer_dims_perm
    ([128, 256], [0, 1], [8, 32], ()),
    ([129, 47], [0, 1], [8, 8], ()),
    ([128, 256], [1, 0], [16, 32], ()),
    ([128, 256], [0, 1], [8, 32], (1, 0)),
    ([128, 256], [0, 1], [8, 32], (0, 1)),
    ([3, 5], [], [], (1, 0)),
    ([3, 10, 16], [2, 1], [4, 2], (2, 0, 1)),
    ([129, 47, 16, 16], [1, 0], [32, 8], ()),
    ([1023, 255], [1, 0], [32, 8], ()),
    ([None, 255], [0, 1], [8, 16], (1, 0)),
    ([64, 48], [1], [None], ()),
    ([64, 48], [0, 1], [None, 16], (1, 0)),
]


@pytest.mark.parametrize(("shape", "inner", "tiles", "perm"), CASES)
def test_infer_packed_shape_matches_reference(shape, inner, tiles, perm):
    got = infer_packed_shape(to_xdsl(shape), inner, to_xdsl(tiles), perm)
    assert got == to_xdsl(expected_packed_shape(shape, inner, tiles, perm))


def test_infer_packed_shape_exhaustive_small_2d():
    """Every perm, every inner_dims_pos order, a few sizes and tiles."""
    for s0, s1, t0, t1 in itertools.product(
        [1, 5, 8, 13], [2, 7, 16], [1, 3, 8], [2, 5]
    ):
        for inner in ([0, 1], [1, 0], [0], [1], []):
            tiles = [t0, t1][: len(inner)]
            for perm in ((), (0, 1), (1, 0)):
                got = infer_packed_shape([s0, s1], inner, tiles, perm)
                assert got == expected_packed_shape([s0, s1], inner, tiles, perm)


def test_infer_packed_type_ssa_tile_is_dynamic():
    src = TensorType(f32, [128, 256])
    t = index_value()
    got = RelayoutOp.infer_packed_type(src, [0, 1], [t, 8], [1, 0])
    assert got == TensorType(f32, [32, D, D, 8])


def test_infer_packed_type_keeps_element_type_and_dynamic_dims():
    src = TensorType(i8, [D, 30])
    got = RelayoutOp.infer_packed_type(src, [1, 0], [4, 2])
    assert got == TensorType(i8, [D, 8, 4, 2])


def test_infer_packed_type_unsorted_inner_dims_pos():
    src = TensorType(f32, [128, 256])
    got = PackOp.infer_packed_type(src, [1, 0], [16, 32])
    assert got == TensorType(f32, [4, 16, 16, 32])


def test_infer_packed_type_without_perm_equals_identity_perm():
    src = TensorType(f32, [20, 30])
    assert RelayoutOp.infer_packed_type(
        src, [0, 1], [4, 8]
    ) == RelayoutOp.infer_packed_type(src, [0, 1], [4, 8], [0, 1])


# --- PackOp / UnpackOp builders ----------------------------------------------


def test_pack_builder_static():
    src, dest = tensor_value([128, 256]), tensor_value([16, 8, 8, 32])
    op = PackOp(src, dest, [0, 1], [8, 32])
    op.verify()
    assert op.result.type == dest.type
    assert op.get_inner_dims_pos() == (0, 1)
    assert op.get_static_inner_tiles() == (8, 32)
    assert op.get_outer_dims_perm() == ()
    assert op.outer_dims_perm is None
    assert op.padding_value is None
    assert list(op.inner_tiles) == []
    assert op.get_mixed_tiles() == [8, 32]


def test_pack_builder_keeps_identity_outer_dims_perm():
    src, dest = tensor_value([128, 256]), tensor_value([16, 8, 8, 32])
    op = PackOp(src, dest, [0, 1], [8, 32], outer_dims_perm=[0, 1])
    op.verify()
    assert op.outer_dims_perm is not None
    assert op.get_outer_dims_perm() == (0, 1)
    assert "outer_dims_perm = [0, 1]" in printed(op)


def test_pack_builder_ssa_tiles_and_padding():
    src, dest = tensor_value([128, 256]), tensor_value([32, D, D, 8])
    pad = create_ssa_value(f32)
    t = index_value()
    op = PackOp(src, dest, [0, 1], [t, 8], outer_dims_perm=[1, 0], padding_value=pad)
    op.verify()
    assert op.get_static_inner_tiles() == (D, 8)
    assert list(op.inner_tiles) == [t]
    assert op.get_mixed_tiles() == [t, 8]
    assert op.padding_value is pad
    text = printed(op)
    assert "padding_value(" in text
    assert "outer_dims_perm = [1, 0] inner_dims_pos = [0, 1] inner_tiles = [%" in text


def test_pack_into_empty_infers_dest():
    src = tensor_value([129, 47])
    pad = create_ssa_value(f32)
    empty, op = PackOp.into_empty(src, [1, 0], [32, 8], padding_value=pad)
    assert isinstance(empty, tensor.EmptyOp)
    assert op.dest is empty.tensor
    assert op.result.type == TensorType(f32, [17, 2, 32, 8])
    op.verify()


def test_pack_into_empty_with_outer_dims_perm():
    src = tensor_value([3, 10, 16], i8)
    empty, op = PackOp.into_empty(src, [2, 1], [4, 2], outer_dims_perm=[2, 0, 1])
    assert empty.tensor.type == TensorType(i8, [4, 3, 5, 4, 2])
    assert op.get_outer_dims_perm() == (2, 0, 1)
    op.verify()


def test_pack_into_empty_without_needed_padding_fails_verification():
    src = tensor_value([13, 8])
    _, op = PackOp.into_empty(src, [0], [8])
    assert op.requires_padding()
    with pytest.raises(VerifyException, match="Only full tiles are supported"):
        op.verify()


def test_requires_padding():
    src, dest = tensor_value([16, 8]), tensor_value([2, 8, 8])
    assert not PackOp(src, dest, [0], [8]).requires_padding()
    src = tensor_value([D, 8])
    assert not PackOp(src, tensor_value([D, 8, 8]), [0], [8]).requires_padding()
    t = index_value()
    dyn = PackOp(tensor_value([13, 8]), tensor_value([D, 8, D]), [0], [t])
    assert not dyn.requires_padding()  # unknown tile, unknown outer size


def test_unpack_builder():
    src, dest = tensor_value([4, 16, 16, 32]), tensor_value([128, 256])
    op = UnpackOp(src, dest, [1, 0], [16, 32])
    op.verify()
    assert op.result.type == dest.type
    assert op.get_inner_dims_pos() == (1, 0)
    assert op.get_mixed_tiles() == [16, 32]
    assert op.packed_type() == src.type
    assert op.unpacked_type() == dest.type
    # Upstream's unpack has no operandSegmentSizes.
    assert "operandSegmentSizes" not in op.properties


def test_unpack_builder_ssa_tile_and_perm():
    src, dest = tensor_value([32, 16, 8, D]), tensor_value([128, 256])
    t = index_value()
    op = UnpackOp(src, dest, [0, 1], [8, t], outer_dims_perm=[1, 0])
    op.verify()
    assert op.get_mixed_tiles() == [8, t]
    assert op.get_outer_dims_perm() == (1, 0)


@pytest.mark.parametrize(
    ("src_shape", "dest_shape", "inner", "tiles", "perm", "message"),
    [
        ([8, 8], [D, 8, 0, 1], [0, 1], [0, 1], None, "invalid zero tile factor"),
        ([8, 8], [4, 4, 2, 2], [0, 0], [2, 2], None, "invalid inner_dims_pos vector"),
        ([8, 8], [4, 8, 2], [0], [2], [1, 1], "invalid outer_dims_perm vector"),
        ([8, 8], [4, 8, 2], [0], [2], [1], "must be a permutation or empty"),
        ([8, 8], [4, 8], [0], [2], None, "got 2 != 3"),
        ([16, 8], [3, 8, 8], [0], [8], None, "expected 'tensor<2x8x8xf32>'"),
        ([16, 8], [2, 8, 4], [0], [8], None, "at index 0: got 4 != 8"),
    ],
)
def test_pack_verifier_messages(src_shape, dest_shape, inner, tiles, perm, message):
    op = PackOp(tensor_value(src_shape), tensor_value(dest_shape), inner, tiles, perm)
    with pytest.raises(VerifyException, match=message.replace("[", r"\[")):
        op.verify()


def test_pack_verifier_padding_type():
    pad = create_ssa_value(i32)
    op = PackOp(tensor_value([13, 8]), tensor_value([2, 8, 8]), [0], [8], None, pad)
    with pytest.raises(VerifyException, match="expected padding_value has 'f32'"):
        op.verify()


def test_pack_verifier_zero_constant_tile():
    zero = arith.ConstantOp(IntegerAttr(0, IndexType()))
    op = PackOp(
        tensor_value([8, 8]), tensor_value([D, 8, D, 1]), [0, 1], [zero.result, 1]
    )
    with pytest.raises(VerifyException, match="invalid zero tile factor"):
        op.verify()


# --- printing and parsing ---------------------------------------------------


def test_built_pack_round_trips_through_text():
    src_type = TensorType(f32, [129, 47])
    module_text = """
    func.func @f(%src: tensor<129x47xf32>, %pad: f32, %t: index) -> tensor<6x17x?x8xf32> {
      %e = tensor.empty(%t) : tensor<6x17x?x8xf32>
      %p = linalg.pack %src padding_value(%pad : f32) outer_dims_perm = [1, 0]
             inner_dims_pos = [1, 0] inner_tiles = [%t, 8] into %e
             : tensor<129x47xf32> -> tensor<6x17x?x8xf32>
      return %p : tensor<6x17x?x8xf32>
    }
    """
    module = parse_module(module_text)
    module.verify()
    (pack,) = [op for op in module.walk() if isinstance(op, PackOp)]
    assert pack.source.type == src_type
    assert pack.get_inner_dims_pos() == (1, 0)
    assert pack.get_outer_dims_perm() == (1, 0)
    assert pack.get_static_inner_tiles() == (D, 8)
    again = parse_module(printed(module))
    assert printed(again) == printed(module)


def test_legacy_spelling_parses_as_linalg_pack():
    module = parse_module(
        """
        func.func @f(%s: tensor<16xf32>, %d: tensor<2x8xf32>, %o: tensor<16xf32>) -> tensor<16xf32> {
          %p = tensor.pack %s inner_dims_pos = [0] inner_tiles = [8] into %d : tensor<16xf32> -> tensor<2x8xf32>
          %u = tensor.unpack %p inner_dims_pos = [0] inner_tiles = [8] into %o : tensor<2x8xf32> -> tensor<16xf32>
          return %u : tensor<16xf32>
        }
        """
    )
    names = [op.name for op in module.walk()]
    assert "linalg.pack" in names
    assert "linalg.unpack" in names
    assert not any(name.startswith("tensor.pack") for name in names)
    assert not any(name.startswith("tensor.unpack") for name in names)


def test_make_context_knows_the_ops():
    ctx = make_context()
    assert isinstance(ctx, Context)
    for name in ("linalg.pack", "linalg.unpack", "linalg.mmt4d", "linalg.dot"):
        assert ctx.get_optional_op(name) is not None


# --- named contractions -------------------------------------------------------


def maps_of(op) -> list[AffineMap]:
    return [m.data for m in op.get_indexing_maps().data]


def body_op_names(op) -> list[str]:
    return [o.name for o in op.body.block.ops]


NAMED = [
    # op class, input shapes, output shape, expected maps (as dims), iterators
    (MatmulOp, [[4, 8], [8, 16]], [4, 16], [(0, 2), (2, 1), (0, 1)], "ppr"),
    (
        BatchMatmulOp,
        [[2, 4, 8], [2, 8, 16]],
        [2, 4, 16],
        [(0, 1, 3), (0, 3, 2), (0, 1, 2)],
        "pppr",
    ),
    (MatvecOp, [[4, 8], [8]], [4], [(0, 1), (1,), (0,)], "pr"),
    (VecmatOp, [[4], [4, 8]], [8], [(1,), (1, 0), (0,)], "pr"),
    (BatchMatvecOp, [[2, 4, 8], [2, 8]], [2, 4], [(0, 1, 2), (0, 2), (0, 1)], "ppr"),
    (DotOp, [[8], [8]], [], [(0,), (0,), ()], "r"),
    (
        Mmt4dOp,
        [[10, 32, 8, 1], [80, 32, 4, 1]],
        [10, 80, 8, 4],
        [(0, 2, 3, 5), (1, 2, 4, 5), (0, 1, 3, 4)],
        "pprppr",
    ),
    (
        BatchMmt4dOp,
        [[3, 10, 32, 8, 1], [3, 80, 32, 4, 1]],
        [3, 10, 80, 8, 4],
        [(0, 1, 3, 4, 6), (0, 2, 3, 5, 6), (0, 1, 2, 4, 5)],
        "ppprppr",
    ),
]


def iterator_letters(op) -> str:
    return "".join(str(it.data)[0] for it in op.get_iterator_types().data)


@pytest.mark.parametrize(("cls", "ins", "out", "maps", "iterators"), NAMED)
def test_named_op_construction(cls, ins, out, maps, iterators):
    inputs = [tensor_value(s) for s in ins]
    output = tensor_value(out)
    op = cls(inputs, [output])
    op.verify()
    assert op.res[0].type == output.type
    assert op.indexing_maps is None
    got = [tuple(e.position for e in m.results) for m in maps_of(op)]
    assert got == maps
    assert iterator_letters(op) == iterators
    assert body_op_names(op) == ["arith.mulf", "arith.addf", "linalg.yield"]


@pytest.mark.parametrize(("cls", "ins", "out", "maps", "iterators"), NAMED)
def test_named_op_shape_mismatch(cls, ins, out, maps, iterators):
    bad_out = [s + 1 for s in out] if out else None
    if bad_out is None:  # dot: make the inputs disagree instead
        inputs = [tensor_value([8]), tensor_value([9])]
        output = tensor_value([])
    else:
        inputs = [tensor_value(s) for s in ins]
        output = tensor_value(bad_out)
    op = cls(inputs, [output])
    with pytest.raises(VerifyException, match="inferred input/output operand #"):
        op.verify()


@pytest.mark.parametrize(
    ("element", "acc", "casts"),
    [
        (i8, i32, ["arith.extsi", "arith.extsi", "arith.muli", "arith.addi"]),
        (
            Float16Type(),
            Float32Type(),
            ["arith.extf", "arith.extf", "arith.mulf", "arith.addf"],
        ),
        (
            BFloat16Type(),
            Float32Type(),
            ["arith.extf", "arith.extf", "arith.mulf", "arith.addf"],
        ),
        (i32, i32, ["arith.muli", "arith.addi"]),
    ],
)
def test_named_op_body_casts_to_accumulator(element, acc, casts):
    op = MatmulOp(
        [tensor_value([4, 8], element), tensor_value([8, 16], element)],
        [tensor_value([4, 16], acc)],
    )
    op.verify()
    assert body_op_names(op) == [*casts, "linalg.yield"]
    for cast in op.body.block.ops:
        if cast.name in ("arith.extsi", "arith.extf"):
            assert cast.results[0].type == acc


def transposed_a_maps() -> ArrayAttr[AffineMapAttr]:
    return ArrayAttr(
        [
            AffineMapAttr(AffineMap.from_callable(lambda m, n, k: (k, m))),
            AffineMapAttr(AffineMap.from_callable(lambda m, n, k: (k, n))),
            AffineMapAttr(AffineMap.from_callable(lambda m, n, k: (m, n))),
        ]
    )


def test_matmul_with_transposed_maps():
    op = MatmulOp(
        [tensor_value([5, 3]), tensor_value([5, 7])],
        [tensor_value([3, 7])],
        indexing_maps=transposed_a_maps(),
    )
    op.verify()
    assert op.indexing_maps == transposed_a_maps()
    assert iterator_letters(op) == "ppr"
    assert "indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>" in printed(op)


def test_matmul_default_maps_are_not_stored():
    default = MatmulOp.DEFAULT_MAPS
    op = MatmulOp(
        [tensor_value([4, 8]), tensor_value([8, 16])],
        [tensor_value([4, 16])],
        indexing_maps=default,
    )
    assert op.indexing_maps is None
    assert "indexing_maps" not in printed(op)


def test_matmul_transposed_shape_mismatch():
    op = MatmulOp(
        [tensor_value([5, 3]), tensor_value([6, 7])],
        [tensor_value([3, 7])],
        indexing_maps=transposed_a_maps(),
    )
    with pytest.raises(VerifyException, match="dimension #0 to be 5, but found 6"):
        op.verify()


def test_named_op_wrong_operand_count_is_a_verify_error():
    op = MatmulOp([tensor_value([4, 8])], [tensor_value([4, 16])])
    with pytest.raises(VerifyException, match="expected 2 inputs and 1 output"):
        op.verify()


def test_named_op_result_type_mismatch():
    op = MatmulOp(
        [tensor_value([4, 8]), tensor_value([8, 16])],
        [tensor_value([4, 16])],
        result_types=[TensorType(f32, [4, 8])],
    )
    with pytest.raises(VerifyException, match="to match type of corresponding result"):
        op.verify()


def test_matvec_rejects_explicit_maps():
    maps = ArrayAttr(
        [
            AffineMapAttr(AffineMap.from_callable(lambda i, j: (j, i))),
            AffineMapAttr(AffineMap.from_callable(lambda i, j: (j,))),
            AffineMapAttr(AffineMap.from_callable(lambda i, j: (i,))),
        ]
    )
    op = MatvecOp(
        [tensor_value([8, 4]), tensor_value([8])], [tensor_value([4])], None, maps
    )
    with pytest.raises(VerifyException, match="does not accept indexing_maps"):
        op.verify()


# --- generalization -------------------------------------------------------------


@pytest.mark.parametrize(("cls", "ins", "out", "maps", "iterators"), NAMED)
def test_generalize_each_named_op(cls, ins, out, maps, iterators):
    inputs = [tensor_value(s, i8) for s in ins]
    text = ", ".join(f"%a{i}: {t.type}" for i, t in enumerate(inputs))
    out_type = TensorType(i32, out)
    module = parse_module(
        f"""
        func.func @f({text}, %c: {out_type}) -> {out_type} {{
          %r = {cls.name} ins(%a0, %a1 : {inputs[0].type}, {inputs[1].type})
                          outs(%c : {out_type}) -> {out_type}
          return %r : {out_type}
        }}
        """
    )
    module.verify()
    LinalgGeneralizeNamedOpsPass().apply(make_context(), module)
    module.verify()
    assert not any(isinstance(op, cls) for op in module.walk())
    (generic,) = [op for op in module.walk() if isinstance(op, GenericOp)]
    got = [tuple(e.position for e in m.data.results) for m in generic.indexing_maps]
    assert got == maps
    letters = "".join(str(it.data)[0] for it in generic.iterator_types.data)
    assert letters == iterators
    body = [op.name for op in generic.body.block.ops]
    assert body == [
        "arith.extsi",
        "arith.extsi",
        "arith.muli",
        "arith.addi",
        "linalg.yield",
    ]


def test_generalize_transposed_matmul_keeps_maps():
    module = parse_module(
        """
        func.func @f(%a: tensor<5x3xf32>, %b: tensor<5x7xf32>, %c: tensor<3x7xf32>) -> tensor<3x7xf32> {
          %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>,
                                              affine_map<(d0, d1, d2) -> (d2, d1)>,
                                              affine_map<(d0, d1, d2) -> (d0, d1)>]
                 ins(%a, %b : tensor<5x3xf32>, tensor<5x7xf32>) outs(%c : tensor<3x7xf32>) -> tensor<3x7xf32>
          return %r : tensor<3x7xf32>
        }
        """
    )
    LinalgGeneralizeNamedOpsPass().apply(make_context(), module)
    (generic,) = [op for op in module.walk() if isinstance(op, GenericOp)]
    assert list(generic.indexing_maps) == list(transposed_a_maps())


def test_parse_module_returns_module():
    assert isinstance(parse_module("func.func @f() { return }"), ModuleOp)
