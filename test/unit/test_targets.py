"""The target model: built-in targets, host detection, lookup by name."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from packdialect.targets import (
    TARGETS,
    TargetError,
    detect_host,
    get_target,
    host_description,
)


def _cpuinfo(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(
        f"processor\t: 0\nmodel name\t: test\nflags\t\t: {flags}\n\nprocessor\t: 1\n"
    )
    return path


@pytest.mark.parametrize(
    "flags, family",
    [
        ("fpu sse sse2", "generic"),
        ("fpu avx avx2 fma f16c", "avx2"),
        ("avx2 fma avx512f avx512bw avx512_bf16", "avx512"),
        ("avx2 fma avx512f avx512bw amx_tile amx_bf16 amx_int8", "amx"),
    ],
)
def test_detect_host_from_cpuinfo(tmp_path, flags, family):
    host = detect_host(_cpuinfo(tmp_path, flags), tmp_path / "no-sysfs")
    base = TARGETS[family]
    assert host.name == "host"
    assert host.default_strategy == base.default_strategy
    assert (host.vector_bits, host.vector_registers) == (
        base.vector_bits,
        base.vector_registers,
    )
    assert flags.split()[0].replace("_", "") in host.features


def test_detect_host_normalizes_flags(tmp_path):
    host = detect_host(
        _cpuinfo(tmp_path, "avx512f avx512bw avx512_bf16 amx_tile"), tmp_path
    )
    assert host.has("avx512bf16", "amx")
    assert not host.has("amxint8")


def test_detect_host_reads_cache_sizes(tmp_path):
    for index, (level, kind, size) in enumerate(
        [("1", "Data", "48K"), ("1", "Instruction", "32K"), ("2", "Unified", "2048K")]
    ):
        folder = tmp_path / "cpu0" / "cache" / f"index{index}"
        folder.mkdir(parents=True)
        (folder / "level").write_text(level + "\n")
        (folder / "type").write_text(kind + "\n")
        (folder / "size").write_text(size + "\n")
    host = detect_host(_cpuinfo(tmp_path, "avx2 fma"), tmp_path / "cpu0")
    assert (host.l1d_kib, host.l2_kib) == (48, 2048)
    assert host.l3_kib == TARGETS["avx2"].l3_kib


def test_detect_host_falls_back_to_generic(tmp_path):
    missing = detect_host(tmp_path / "missing", tmp_path)
    assert missing == replace(TARGETS["generic"], name="host")
    arm = tmp_path / "arm"
    arm.write_text("processor\t: 0\nFeatures\t: fp asimd\n")
    assert detect_host(arm, tmp_path).default_strategy == "generic"


def test_get_target():
    assert get_target("avx512").vector_registers == 32
    assert get_target("cuda-wmma").arch == "gpu"
    assert get_target("host").name == "host"
    with pytest.raises(TargetError, match="unknown target 'sse'; available: amx, avx2"):
        get_target("sse")


def test_targets_are_read_only():
    with pytest.raises(TypeError):
        TARGETS["mine"] = TARGETS["generic"]  # type: ignore[index]


def test_detect_host_reads_the_model_name(tmp_path):
    host = detect_host(_cpuinfo(tmp_path, "avx2 fma"), tmp_path)
    assert host.model == "test"
    assert host.isa == "avx2"
    assert host_description(host).startswith("test (avx2; L1d 32 KiB")


def test_every_builtin_target_names_its_family():
    for name, target in TARGETS.items():
        assert target.family == name
        assert get_target(name) is target
