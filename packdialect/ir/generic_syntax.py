"""`linalg.generic`'s custom syntax as upstream parses it.

xDSL 0.74's parser of `linalg.generic` wants the trait dictionary written out
(`linalg.generic {indexing_maps = ..., iterator_types = ...}`) and one result
type. Upstream also takes the dictionary through an attribute alias
(`#trait = {...}` then `linalg.generic #trait ins(...)`), which its own pack
tests use, and several result types (`-> (tensor<4xf32>, tensor<4xi64>)`,
the max-with-index reductions torch-mlir exports); xDSL prints that form but
cannot read it back.

`GenericOpSyntax` takes xDSL's `GenericOp` place in the `linalg` namespace
(packdialect/ir/context.py) for parsing only: both its custom and its generic
form build a plain `GenericOp`, so every `isinstance` / `type(op)` check of
the passes sees the op they know.
"""

from __future__ import annotations

from typing import cast

from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, StringAttr
from xdsl.dialects.linalg.attrs import IteratorType, IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp
from xdsl.ir import Attribute, SSAValue
from xdsl.parser import Parser

_TRAIT_KEYS = ("indexing_maps", "iterator_types", "doc", "library_call")


def _parse_trait(parser: Parser) -> dict[str, Attribute]:
    """The trait dictionary: written out, or an alias to a dictionary."""
    start = parser.pos
    attrs = parser.parse_optional_attr_dict()
    if attrs:
        return dict(attrs)
    alias = parser.parse_optional_attribute()
    if not isinstance(alias, DictionaryAttr):
        parser.raise_error(
            "expected the trait of linalg.generic: a dictionary with "
            "indexing_maps and iterator_types, or an alias to one",
            start,
            parser.pos,
        )
    return dict(alias.data)


def _iterator_types(
    parser: Parser, attrs: dict[str, Attribute], start: int
) -> list[IteratorTypeAttr]:
    raw = attrs.get("iterator_types")
    if not isinstance(raw, ArrayAttr):
        parser.raise_error("Expected iterator_types for linalg.generic", start)
    result: list[IteratorTypeAttr] = []
    for item in cast(ArrayAttr[Attribute], raw):
        if isinstance(item, IteratorTypeAttr):
            result.append(item)
        elif isinstance(item, StringAttr) and item.data in (
            t.value for t in IteratorType
        ):
            result.append(IteratorTypeAttr(IteratorType(item.data)))
        else:
            parser.raise_error(f"Unknown iterator type {item}", start)
    return result


def _parse_operands(parser: Parser, keyword: str) -> list[SSAValue]:
    """`keyword(%a, %b : t1, t2)`, or nothing."""
    pos = parser.pos
    if not parser.parse_optional_characters(keyword):
        return []
    parser.parse_punctuation("(")
    unresolved = parser.parse_comma_separated_list(
        Parser.Delimiter.NONE, parser.parse_unresolved_operand
    )
    parser.parse_punctuation(":")
    types = parser.parse_comma_separated_list(Parser.Delimiter.NONE, parser.parse_type)
    parser.parse_punctuation(")")
    return list(parser.resolve_operands(unresolved, types, pos))


def _parse_result_types(parser: Parser) -> list[Attribute]:
    """`-> t` or `-> (t1, t2, ...)`, or nothing."""
    if not parser.parse_optional_punctuation("->"):
        return []
    if parser.parse_optional_punctuation("("):
        types = parser.parse_comma_separated_list(
            Parser.Delimiter.NONE, parser.parse_type
        )
        parser.parse_punctuation(")")
        return types
    return parser.parse_comma_separated_list(
        Parser.Delimiter.NONE, parser.parse_attribute
    )


class GenericOpSyntax(GenericOp):
    """Parses `linalg.generic` as upstream does; builds xDSL's GenericOp."""

    @classmethod
    def create(cls, **kwargs) -> GenericOp:  # type: ignore[override]
        """The generic form builds a plain GenericOp too."""
        return GenericOp.create(**kwargs)

    @classmethod
    def parse(cls, parser: Parser) -> GenericOp:  # type: ignore[override]
        start = parser.pos
        attrs = _parse_trait(parser)
        maps = attrs.get("indexing_maps")
        if not isinstance(maps, ArrayAttr):
            parser.raise_error("Expected indexing_maps for linalg.generic", start)
        iterators = _iterator_types(parser, attrs, start)
        doc, library_call = attrs.get("doc"), attrs.get("library_call")
        ins = _parse_operands(parser, "ins")
        outs = _parse_operands(parser, "outs")
        extra: dict[str, Attribute] = {}
        if parser.parse_optional_keyword("attrs"):
            parser.parse_punctuation("=")
            extra = dict(
                parser.expect(
                    parser.parse_optional_attr_dict, "expect extra attributes"
                )
            )
        body = parser.parse_region()
        result_types = _parse_result_types(parser)
        op = GenericOp(
            ins,
            outs,
            body,
            maps,  # pyright: ignore[reportArgumentType]
            iterators,
            result_types,
            doc if isinstance(doc, StringAttr) else None,
            library_call if isinstance(library_call, StringAttr) else None,
        )
        op.attributes |= {k: v for k, v in attrs.items() if k not in _TRAIT_KEYS}
        op.attributes |= extra
        return op
