"""The pipeline: what happens to a stored message, in one fixed order (runner.py)."""
