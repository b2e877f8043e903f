"""The content-addressed build cache.

A library is stored under a key that hashes everything that decides what the
compiler produces and whether this machine can run it: the source, the
toolchain's identity (compiler, version, flags) and the host (CPU model and
the ISA features that `-march=native` resolves to). A cache shared between an
AVX-512 host and an AVX2 host therefore never hands one the other's code.
The directory is `$PACKDIALECT_CACHE`, default `~/.cache/packdialect`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from packdialect.runtime.toolchain import Toolchain
from packdialect.targets import detect_host


def cache_dir() -> Path:
    """The cache directory ($PACKDIALECT_CACHE or ~/.cache/packdialect), created."""
    configured = os.environ.get("PACKDIALECT_CACHE")
    path = Path(configured) if configured else Path.home() / ".cache" / "packdialect"
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=1)
def host_key() -> str:
    """The host's part of the key: CPU model, ISA family and every CPU flag."""
    host = detect_host()
    return "\0".join([host.model, host.isa, " ".join(sorted(host.features))])


def cache_key(source: str, toolchain: Toolchain) -> str:
    """The key of `source` built by `toolchain` on this host."""
    text = "\0".join([source, toolchain.name, toolchain.identity(), host_key()])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def build_cached(source: str, toolchain: Toolchain) -> tuple[Path, Path]:
    """(source file, shared library) of `source`, built once per key.

    The library is written to a temporary name and renamed into place, so a
    concurrent or interrupted build never leaves a half-written library.
    """
    directory = cache_dir()
    key = cache_key(source, toolchain)
    source_path = directory / f"pd_{key}{toolchain.source_suffix}"
    library = directory / f"pd_{key}.so"
    if library.is_file():
        return source_path, library
    atomic_write(source_path, source.encode())
    fd, temp_name = tempfile.mkstemp(suffix=".so", dir=directory)
    os.close(fd)
    try:
        toolchain.build(source_path, Path(temp_name))
    except BaseException:
        os.unlink(temp_name)
        raise
    os.replace(temp_name, library)
    return source_path, library


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    fd, temp_name = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp_name, path)
