"""Annotated articles for scoring the time-expression extractor: see README.md."""
