"""lit configuration: FileCheck tests under test/lit."""

import os
import shutil

import lit.formats

config.name = "packdialect"  # noqa: F821
config.test_format = lit.formats.ShTest(execute_external=False)  # noqa: F821
config.suffixes = [".mlir"]  # noqa: F821
# The suite's root is this file's folder, so that `lit test/lit/<dir>` maps paths
# right (a test_source_root of test/lit made lit look under test/lit/test/lit).
config.test_source_root = os.path.dirname(os.path.abspath(__file__))  # noqa: F821
config.excludes = ["Inputs", "examples", ".venv", ".git", "build"]  # noqa: F821
config.environment["PATH"] = os.environ["PATH"]  # noqa: F821
for var in ("HOME", "TMPDIR", "PACKDIALECT_CACHE"):
    if var in os.environ:
        config.environment[var] = os.environ[var]  # noqa: F821
config.substitutions.append(("%examples", os.path.join(os.path.dirname(__file__), "examples")))  # noqa: F821
if shutil.which("iree-opt"):
    config.available_features.add("iree-opt")  # noqa: F821
if shutil.which("cc"):
    config.available_features.add("cc")  # noqa: F821
