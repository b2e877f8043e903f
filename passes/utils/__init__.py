"""IR-building helpers shared by the passes (never inside a pass file)."""
