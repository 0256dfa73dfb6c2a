"""`python -m evaluation.timex`: score the time-expression extractor on the annotated articles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.errors import SiteError
from generator.timexeval import evaluate, format_report, load_gold_folder

ARTICLES = Path(__file__).parent / "articles"


def main(argv: list[str] | None = None) -> int:
    """Print the TempEval-3-style table (and, with --errors, every miss, false hit and bad value)."""
    parser = argparse.ArgumentParser(prog="python -m evaluation.timex", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=ARTICLES,
                        help="folder of gold *.yaml files (default: the annotated articles)")
    parser.add_argument("--errors", action="store_true", help="list what went wrong per article")
    parser.add_argument("--split", choices=("dev", "test"),
                        help="only list the articles of this split (the totals always show both)")
    parser.add_argument("--check", action="store_true",
                        help="only check that every gold offset slices its text, then stop")
    args = parser.parse_args(argv)
    try:
        if args.check:
            golds = load_gold_folder(args.folder)
            print(f"{len(golds)} gold files, {sum(len(g.timexes) for g in golds)} time expressions: "
                  "every offset matches its text")
            return 0
        print(format_report(evaluate(args.folder), errors=args.errors, split=args.split))
    except SiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
