# ruff: noqa: F821  (lit injects `config`)
"""lit configuration: FileCheck tests under test/lit."""

import os
import shutil

import lit.formats

config.name = "packdialect"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir"]
# The suite's root is this file's folder, so that `lit test/lit/<dir>` maps paths
# right (a test_source_root of test/lit made lit look under test/lit/test/lit).
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.excludes = ["Inputs", "examples", ".venv", ".git", "build"]
config.environment["PATH"] = os.environ["PATH"]
for var in ("HOME", "TMPDIR", "PACKDIALECT_CACHE"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
config.substitutions.append(
    ("%examples", os.path.join(os.path.dirname(__file__), "examples"))
)
if shutil.which("iree-opt"):
    config.available_features.add("iree-opt")
if shutil.which("cc"):
    config.available_features.add("cc")
