"""Page weight of the timeline: bytes a reader downloads before the first event shows (GitHub issue 5).

    python benchmarks/page_weight.py site/ /tmp/bench-10000/site/

Serves each built site with http.server on 127.0.0.1, opens its home page in Debian's Chromium and counts
the bytes of every response received by the time the first event card is visible (and by `load`), raw and
gzip-compressed (as a static host would send them). The search index is listed separately: search.json is
fetched only when the reader filters, search-text.json only when the reader searches text.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import threading
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Response, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(folder: Path) -> dict[str, object]:
    """Bytes fetched for the home page of the built site in `folder` before its first event shows."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    files: dict[str, int] = {}
    compressed: dict[str, int] = {}

    def record(response: Response) -> None:
        body = response.body()
        path = urlsplit(response.url).path
        files[path], compressed[path] = len(body), len(gzip.compress(body, 6))

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("response", record)
            page.goto(url, wait_until="commit")
            page.locator("article.event").first.wait_for(state="visible")
            before_first_event = dict(files)
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    index = folder / "search.json"
    raw_index = index.read_bytes() if index.is_file() else b""
    text = folder / "search-text.json"
    raw_text = text.read_bytes() if text.is_file() else b""
    return {
        "site": str(folder), "events": len(json.loads(raw_index)["events"]["id"]) if raw_index else None,
        "files_before_first_event": before_first_event,
        "bytes_before_first_event": sum(before_first_event.values()),
        "bytes_at_load": sum(files.values()), "gzip_bytes_at_load": sum(compressed.values()),
        "search_index_fetched_at_load": "/search.json" in files,
        "search_index_bytes": len(raw_index), "search_index_gzip_bytes": len(gzip.compress(raw_index, 6)),
        "search_text_bytes": len(raw_text), "search_text_gzip_bytes": len(gzip.compress(raw_text, 6)),
    }


def main() -> None:
    """Measure each site given on the command line and print the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="+", type=Path)
    for site in parser.parse_args().sites:
        print(json.dumps(measure(site), indent=2))


if __name__ == "__main__":
    main()
