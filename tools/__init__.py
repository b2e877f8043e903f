"""The command-line tools (pack-opt, pack-run): thin layers over the library."""
