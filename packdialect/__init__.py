"""packdialect: pack linalg contractions into tiled layouts and run them fast."""

__all__ = ["compile"]


def compile(*args, **kwargs):  # noqa: A001 - mirrors the documented API name
    """Compile an .mlir program to a callable module (see packdialect.compiler)."""
    from packdialect.compiler import compile as _compile

    return _compile(*args, **kwargs)
