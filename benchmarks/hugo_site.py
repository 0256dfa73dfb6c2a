"""The same timeline as a Hugo site, so both tools build comparable page sets.

    python benchmarks/hugo_site.py /tmp/bench-10000 /tmp/bench-10000-hugo

Reads a build-site project (as written by synth.py) and writes a Hugo site: one Markdown page per
event with YAML front matter, the home page as the timeline grouped by month, and taxonomy lists
and term pages for actors, places, outlets, tags and status (the same kinds we build). Layouts
mirror ours in weight: an event card partial shared by every list, facets, sources with via chains,
related events and previous/next links. Hugo also writes a sitemap and a home RSS feed, as we do.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

if __name__ == "__main__":  # as a script: use this checkout's generator, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.dates import parse_date

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
KINDS = {"actor": "actors", "place": "places", "outlet": "outlets", "tag": "tags", "status": "status"}

CONFIG = """baseURL = "https://bench.example.org/"
title = {title}
disableKinds = ["section"]

[taxonomies]
{taxonomies}

[outputs]
home = ["html", "rss"]
page = ["html"]
taxonomy = ["html"]
term = ["html"]
"""

LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
<meta name="generator" content="hugo">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "static/style.css" | relURL }}">
<script src="{{ "static/timeline.js" | relURL }}" defer></script>
</head>
<body>
<header class="site-header">
  <p class="site-title"><a href="{{ "" | relURL }}">{{ site.Title }}</a></p>
  <nav aria-label="Site"><ul>
    <li><a href="{{ "" | relURL }}">Timeline</a></li>
    {{ range $singular, $plural := site.Taxonomies }}<li>\
<a href="{{ printf "%s/" $singular | relURL }}">{{ $singular | humanize }}</a></li>{{ end }}
  </ul></nav>
</header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>Built with Hugo.</p></footer>
</body>
</html>
""",
    "_partials/date.html": """<time datetime="{{ .Date.Format "2006-01-02" }}" data-edtf="{{ .Params.edtf }}">\
{{ .Params.datelabel }}</time>""",
    "_partials/status.html": """{{ range .GetTerms "status" }}<a class="status status-{{ .Data.Term }}" \
href="{{ .RelPermalink }}">{{ .Title | humanize }}</a>{{ end }}""",
    "_partials/facets.html": """<dl class="facets">
{{ range $kind := slice "actors" "places" "tags" }}{{ with $.GetTerms $kind }}
  <div><dt>{{ $kind | humanize }}</dt><dd><ul class="inline">{{ range . }}<li><a href="{{ .RelPermalink }}">\
{{ .LinkTitle }}</a></li>{{ end }}</ul></dd></div>
{{ end }}{{ end }}
</dl>""",
    "_partials/source_line.html": """<span class="outlet">{{ .outlet }}</span>{{ with .via }} <span class="via">via \
{{ delimit . ", " }}</span>{{ end }} <span class="stance stance-{{ .stance }}">{{ .stance }}</span>\
{{ with .published }} <span class="published">({{ . }})</span>{{ end }}""",
    "_partials/card.html": """<article class="event" id="{{ .File.ContentBaseName }}">
  <header class="event-header">
    <p class="event-date">{{ partial "date.html" . }}</p>
    <h4><a href="{{ .RelPermalink }}">{{ .Title }}</a></h4>
    <p class="event-status">{{ partial "status.html" . }}</p>
  </header>
  <p class="summary">{{ .Params.summary | markdownify }}</p>
  {{ partial "facets.html" . }}
  <div class="sources-brief"><span class="label">Sources:</span><ul class="inline">\
{{ range .Params.sources }}<li>{{ partial "source_line.html" . }}</li>{{ end }}</ul></div>
</article>""",
    "_partials/groups.html": """{{ range . }}
<section class="month">
  <h3 id="m{{ .Key }}">{{ (index .Pages 0).Date.Format "January 2006" }}</h3>
  <ol class="events">{{ range .Pages }}<li>{{ partial "card.html" . }}</li>{{ end }}</ol>
</section>
{{ end }}""",
    "home.html": """{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ $events := where site.RegularPages "Section" "events" }}
<p class="counts">{{ len $events }} events.</p>
{{ $groups := $events.ByDate.GroupByDate "2006-01" "asc" }}
<nav class="jump"><ul>{{ range $groups }}<li><a href="#m{{ .Key }}">{{ .Key }}</a></li>{{ end }}</ul></nav>
{{ partial "groups.html" $groups }}
{{ end }}""",
    "term.html": """{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<h1>{{ .Data.Singular | humanize }}: {{ .Title }}</h1>
<p class="counts">{{ len .Pages }} events.</p>
{{ partial "groups.html" (.Pages.ByDate.GroupByDate "2006-01" "asc") }}
{{ end }}""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="term-list">{{ range .Data.Terms.Alphabetical }}
  <li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span class="count">({{ .Count }} events)</span></li>
{{ end }}</ul>
{{ end }}""",
    "page.html": """{{ define "title" }}{{ .Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<article class="event-page">
  <header>
    <p class="event-date">{{ partial "date.html" . }}</p>
    <h1>{{ .Title }}</h1>
    <p class="event-status">{{ partial "status.html" . }}</p>
  </header>
  <div class="summary lead">{{ .Params.summary | markdownify }}</div>
  <div class="body">{{ .Content }}</div>
  {{ partial "facets.html" . }}
  <section><h2>Sources</h2><ol class="sources">{{ range .Params.sources }}
    <li class="source"><p>{{ partial "source_line.html" . }}{{ with .url }}: <a href="{{ . }}">{{ . }}</a>{{ end }}</p>
    {{ with .quote }}<blockquote><p>{{ . }}</p></blockquote>{{ end }}</li>
  {{ end }}</ol></section>
  {{ with .Params.related }}<section><h2>Related events</h2><ul>{{ range . }}\
{{ with site.GetPage (printf "/events/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> · \
{{ .Params.datelabel }}</li>{{ end }}{{ end }}</ul></section>{{ end }}
  <nav class="pager"><ul>
    {{ with .PrevInSection }}<li class="previous"><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
    {{ with .NextInSection }}<li class="next"><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
  </ul></nav>
</article>
{{ end }}""",
    "404.html": """{{ define "main" }}<h1>Page not found</h1>{{ end }}""",
}


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=yaml.CSafeLoader)


def _names(registry: dict[str, Any]) -> dict[str, str]:
    """Every id, name and alias (case-folded) -> the canonical name."""
    lookup: dict[str, str] = {}
    for entry_id, entry in registry.items():
        entry = entry if isinstance(entry, dict) else {"name": entry}
        for reference in (entry_id, entry["name"], *entry.get("aliases", [])):
            lookup[str(reference).casefold()] = entry["name"]
    return lookup


def front_matter(event: dict[str, Any], registries: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Hugo front matter for one event of our format (names resolved, EDTF lower bound as date)."""
    edtf = str(event["date"])
    parsed = parse_date(edtf)
    first = parsed.earliest
    actors, places, outlets = registries["actors"], registries["places"], registries["outlets"]
    sources = []
    for source in event.get("sources", []):
        item = {"outlet": outlets[source["outlet"].casefold()],
                "via": [outlets[v.casefold()] for v in source.get("via", [])],
                "stance": source.get("stance", "reports")}
        item.update({key: str(source[key]) for key in ("url", "title", "quote", "published") if key in source})
        sources.append(item)
    all_outlets = dict.fromkeys(name for s in sources for name in (s["outlet"], *s["via"]))
    return {
        "title": event["title"], "date": first.isoformat(), "edtf": edtf, "datelabel": parsed.label,
        "summary": event["summary"], "status": [event["status"]],
        "actors": [actors[a.casefold()] for a in event.get("actors", [])],
        "places": [places[p.casefold()] for p in event.get("places", [])],
        "tags": list(event.get("tags", [])), "outlets": list(all_outlets),
        "sources": sources, "related": list(event.get("related", [])),
    }


def write_page(path: Path, matter: dict[str, Any], body: str) -> None:
    """One Hugo content file: YAML front matter between --- lines, then the Markdown body."""
    text = yaml.dump(matter, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(f"---\n{text}---\n\n{body}\n", encoding="utf-8")


def convert(project: Path, destination: Path) -> Path:
    """Write the Hugo version of the build-site project `project` into `destination`."""
    shutil.rmtree(destination, ignore_errors=True)
    events_out = destination / "content" / "events"
    events_out.mkdir(parents=True)
    content = project / "content"
    registries = {kind: _names(_load(content / f"{kind}.yaml") or {}) for kind in ("actors", "places", "outlets")}
    site = _load(project / "site.yaml")
    taxonomies = "\n".join(f'{singular} = "{plural}"' for singular, plural in KINDS.items())
    (destination / "hugo.toml").write_text(
        CONFIG.format(title=f'"{site["title"]}"', taxonomies=taxonomies), encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = destination / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    shutil.copytree(TEMPLATES / "static", destination / "static" / "static")
    for path in sorted((content / "events").rglob("*.yaml")):
        event = _load(path)
        write_page(events_out / f"{path.stem}.md", front_matter(event, registries), event.get("body", ""))
    return destination


def event_file(site: Path, event_id: str) -> Path:
    """Where `convert` wrote an event's page."""
    return site / "content" / "events" / f"{event_id}.md"


def main() -> None:
    """Command line: hugo_site.py PROJECT DESTINATION."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("destination", type=Path)
    args = parser.parse_args()
    convert(args.project, args.destination)
    print(f"wrote the Hugo site into {args.destination}")


if __name__ == "__main__":
    main()
