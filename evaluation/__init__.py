"""Evaluation sets for the extractor (data and the commands that score it)."""
