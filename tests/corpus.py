"""Compares roundup's reading of a feed corpus with feedparser's, field by field.

    cargo run --release --example corpus -- DIR | python3 tests/corpus.py DIR

Prints how often the two agree on each field, and where they differ. Agreement is a figure to
watch, not a gate: feedparser is lenient in ways roundup chooses not to be, and the reverse.
"""

import calendar
import json
import sys
from pathlib import Path

import feedparser


def theirs(path):
    d = feedparser.parse(str(path))
    first = d.entries[0] if d.entries else None
    date = None
    if first is not None:
        parsed = first.get("published_parsed") or first.get("updated_parsed")
        date = calendar.timegm(parsed) if parsed else None
    return {
        "entries": len(d.entries),
        "title": d.feed.get("title"),
        "first_title": first.get("title") if first is not None else None,
        "first_link": first.get("link") if first is not None else None,
        "first_date": date,
    }


def ours(line):
    first = line.get("first") or {}
    return {
        "entries": line.get("entries", 0),
        "title": line.get("title"),
        "first_title": first.get("title"),
        "first_link": first.get("link"),
        "first_date": first.get("date"),
    }


def same(field, a, b):
    if field in ("title", "first_title"):
        return " ".join((a or "").split()) == " ".join((b or "").split())
    if field == "first_link":
        return (a or "").rstrip("/") == (b or "").rstrip("/")
    return a == b


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/feeds")
    lines = [json.loads(line) for line in sys.stdin if line.strip()]
    if not lines:
        sys.exit("no input: pipe the output of `cargo run --example corpus` in")
    fields = ["entries", "title", "first_title", "first_link", "first_date"]
    agree = {f: 0 for f in fields}
    compared = 0
    errors = [line for line in lines if "error" in line]
    differences = []
    for line in lines:
        if "error" in line:
            continue
        mine, reference = ours(line), theirs(root / line["file"])
        # Files feedparser finds nothing in (JSON Feed, which it does not read; junk) are
        # left out rather than counted as agreement or disagreement.
        if reference["entries"] == 0 and reference["title"] is None:
            continue
        compared += 1
        for field in fields:
            if same(field, mine[field], reference[field]):
                agree[field] += 1
            else:
                differences.append((line["file"], field, mine[field], reference[field]))
    print(f"{len(lines)} files: {len(errors)} refused by roundup, {compared} compared with feedparser")
    for field in fields:
        print(f"  {field:12} {agree[field]:4}/{compared} agree ({100 * agree[field] / max(compared, 1):.1f}%)")
    print("\nrefused by roundup:")
    for line in errors:
        print(f"  {line['file']}: {line['error'][:100]}")
    print("\ndifferences (roundup | feedparser):")
    for file, field, mine, reference in differences:
        print(f"  {file} {field}: {str(mine)[:60]!r} | {str(reference)[:60]!r}")


if __name__ == "__main__":
    main()
