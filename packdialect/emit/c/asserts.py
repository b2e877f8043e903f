"""`cf.assert` in C: a failed check records itself; the caller asks after
the call (the assert part of the ABI, `packdialect.emit.abi`).

A module with asserts gets one status word: the first assert that fails
stores its 1-based number there (atomically: it may fail in several OpenMP
threads at once) and the code runs on, as MLIR's lowering of `cf.assert`
to a non-aborting check would. The library exports
`ASSERT_FAILED_SYMBOL()` (the number, or 0, and clears it) and
`ASSERT_MESSAGE_SYMBOL(n)` / `ASSERT_LOCATION_SYMBOL(n)` (the assert's
message and `file:line:col`), which the runtime turns into an error.
"""

from __future__ import annotations

from packdialect.emit.abi import (
    ASSERT_FAILED_SYMBOL,
    ASSERT_LOCATION_SYMBOL,
    ASSERT_MESSAGE_SYMBOL,
)

_SAFE = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;_-+=()[]<>'/@#!"
)

_FAIL = "packdialect_assert_fail"
_STATE = "packdialect_assert_state"


def c_string(text: str) -> str:
    """A C string literal of `text` (UTF-8; every other byte an octal escape,
    so user text never ends the literal or forms a trigraph)."""
    body = "".join(
        chr(byte) if byte in _SAFE else f"\\{byte:03o}" for byte in text.encode()
    )
    return f'"{body}"'


class AssertTable:
    """The asserts of one translation unit, numbered from 1."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []

    def check(self, condition: str, message: str, location: str) -> str:
        """The C statement that records assert `message` when `condition`
        (a C boolean expression) is false."""
        self.entries.append((message, location))
        number = len(self.entries)
        return f"if (__builtin_expect(!({condition}), 0)) {_FAIL}({number});"

    def prelude(self) -> str:
        """The status word and the helper the checks call (before the functions)."""
        if not self.entries:
            return ""
        return (
            f"static int32_t {_STATE} = 0;\n"
            f"static void {_FAIL}(int32_t number) {{\n"
            "  int32_t none = 0;\n"
            f"  __atomic_compare_exchange_n(&{_STATE}, &none, number, 0,\n"
            "                              __ATOMIC_RELAXED, __ATOMIC_RELAXED);\n"
            "}\n"
        )

    def exports(self) -> str:
        """The exported query functions and the message tables (after them)."""
        if not self.entries:
            return ""
        count = len(self.entries)
        messages = ",\n  ".join(c_string(m) for m, _ in self.entries)
        locations = ",\n  ".join(c_string(loc) for _, loc in self.entries)
        return (
            f"static const char *const packdialect_assert_messages[{count}] = {{\n"
            f"  {messages}\n}};\n"
            f"static const char *const packdialect_assert_locations[{count}] = {{\n"
            f"  {locations}\n}};\n"
            f"int32_t {ASSERT_FAILED_SYMBOL}(void) {{\n"
            f"  return __atomic_exchange_n(&{_STATE}, 0, __ATOMIC_RELAXED);\n"
            "}\n"
            f"const char *{ASSERT_MESSAGE_SYMBOL}(int32_t number) {{\n"
            f"  return number >= 1 && number <= {count} "
            '? packdialect_assert_messages[number - 1] : "";\n'
            "}\n"
            f"const char *{ASSERT_LOCATION_SYMBOL}(int32_t number) {{\n"
            f"  return number >= 1 && number <= {count} "
            '? packdialect_assert_locations[number - 1] : "";\n'
            "}\n"
        )
