"""Compares roundup's reading of a feed corpus with feedparser's, entry by entry.

    cargo run --release --example corpus -- DIR | python3 tests/corpus.py DIR

For every file both read, it compares the number of entries, the feed's title and home page,
and, for each entry in document order, its title, link and date. It prints how often the two
agree, every difference, and every file roundup refuses with what feedparser reads from it.

Dates: feedparser reads some forms only to the day and gives midnight UTC (the figures list
which forms, from feedparser's raw text); a roundup date on that same day counts as agreeing
and is counted apart as "same day".

Deliberate disagreements are listed apart, with the reason, and do not count against roundup:
roundup keeps only http(s) links (feedparser keeps javascript:, mailto:, tag: ids, ...); it
never makes a link of an id that is not a web address (feedparser resolves "Correct Value"
against the document); it never takes the feed's own rel="self" address or its id for the
blog's home page; and the cases in DELIBERATE below.

Agreement is a figure to watch, not a gate: feedparser is lenient in ways roundup chooses not
to be, and the reverse.
"""

import calendar
import html
import json
import re
import sys
import time
import urllib.parse
from pathlib import Path

import feedparser

# Single cases where feedparser is wrong, with the reason; they do not count against roundup.
DELIBERATE = {
    ("venus/apply/feed.xml", "homepage"):
        "feedparser takes a link inside a planet:source element for the feed's own",
    ("feedparser/wellformed/sanitize/xml_malicious_comment.xml", "feed title"):
        "as HTML5 reads it, '<!-- -- nonwhitespace >' opens a comment that never ends",
    ("feedparser/wellformed/sanitize/xml_declaration_unexpected_character.xml", "feed title"):
        "the title is HTML, and '<!DOCTYPE ~' in HTML is a doctype, not text",
    ("feedparser/encoding/bozo_invalid-bytes-with-bom.xml", "feed title"):
        "feedparser decodes the document's valid UTF-8 as windows-1252; roundup reads it run by run",
    ("rome/rss_1.0_DC_multi.xml", "feed title"):
        "roundup takes <title> before <dc:title>; feedparser keeps whichever comes last",
}

# The same document address as examples/corpus.rs gives roundup, so relative links agree.
BASE = "https://corpus.example/"


def plain(text, kind):
    """feedparser's HTML titles as the plain text roundup gives."""
    text = text or ""
    if kind in ("text/html", "application/xhtml+xml"):
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return " ".join(text.split())


def theirs(path, name):
    # A content type that leaves feedparser's charset rules as they are for a local file
    # (with headers but none, it would assume ISO-8859-1).
    headers = {"content-location": BASE + name, "content-type": "application/xml"}
    d = feedparser.parse(path.read_bytes(), response_headers=headers)
    items = []
    for e in d.entries:
        parsed, raw = None, None
        for key in ("published", "updated"):
            if e.get(key + "_parsed"):
                parsed, raw = e[key + "_parsed"], e.get(key)
                break
        title = e.get("title_detail") or {}
        items.append(
            {
                "title": plain(e.get("title"), title.get("type")) if "title" in e else None,
                "link": e.get("link"),
                "date": calendar.timegm(parsed) if parsed else None,
                "day": time.strftime("%Y-%m-%d", parsed) if parsed else None,
                "midnight": bool(parsed) and parsed[3:6] == (0, 0, 0),
                "raw": raw,
                # With no link element, feedparser makes the link of an id, resolving a relative
                # one against the document.
                "link_from_id": not e.get("links") and (e.get("link") or "").startswith(BASE),
            }
        )
    feed_title = d.feed.get("title_detail") or {}
    homepage = d.feed.get("link")
    self_link = any(l.get("rel") == "self" and l.get("href") == homepage for l in d.feed.get("links", []))
    return {
        "homepage_is_self": bool(homepage) and self_link,
        "homepage_is_id": bool(homepage) and homepage == d.feed.get("id"),
        "entries": len(d.entries),
        "title": plain(d.feed.get("title"), feed_title.get("type")) if "title" in d.feed else None,
        "homepage": d.feed.get("link"),
        "items": items,
        "bozo": bool(d.bozo),
    }


def web(link):
    return (link or "").split(":", 1)[0].lower() in ("http", "https")


def same_link(a, b):
    def norm(link):
        try:
            parts = urllib.parse.urlsplit((link or "").strip())
        except ValueError:
            return link
        path = urllib.parse.unquote(parts.path).rstrip("/")
        query = urllib.parse.unquote(parts.query)
        return (parts.scheme.lower(), parts.netloc.lower(), path, query, parts.fragment)

    return norm(a) == norm(b)


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/feeds")
    lines = [json.loads(line) for line in sys.stdin if line.strip()]
    if not lines:
        sys.exit("no input: pipe the output of `cargo run --example corpus` in")
    count = {k: [0, 0] for k in ("entries", "feed title", "homepage", "title", "link", "date")}
    same_day, deliberate, differences, extra_dates, refused = [], [], [], 0, []
    compared = 0
    for line in lines:
        reference = theirs(root / line["file"], line["file"])
        if "error" in line or line.get("panic"):
            refused.append((line, reference))
            continue
        # Files feedparser finds nothing in (JSON Feed, which 6.0 does not read; junk) are
        # left out rather than counted as agreement or disagreement.
        if reference["entries"] == 0 and reference["title"] is None:
            continue
        compared += 1
        name = line["file"]

        def tally(field, agrees, mine, ref, where=""):
            reason = DELIBERATE.get((name, field))
            if not agrees and reason:
                deliberate.append((name + where, field, f"{ref} ({reason})"))
                return
            count[field][1] += 1
            if agrees:
                count[field][0] += 1
            else:
                differences.append((name + where, field, mine, ref))

        tally("entries", line["entries"] == reference["entries"], line["entries"], reference["entries"])
        tally("feed title", plain(line.get("title"), None) == (reference["title"] or ""), line.get("title"), reference["title"])
        if reference["homepage"] and not line.get("homepage") and not web(reference["homepage"]):
            deliberate.append((name, "homepage", reference["homepage"]))
        elif reference["homepage_is_self"] and not line.get("homepage"):
            deliberate.append((name, "homepage", reference["homepage"] + " (the feed's rel=\"self\" link)"))
        elif reference["homepage_is_id"] and not same_link(line.get("homepage"), reference["homepage"]):
            deliberate.append((name, "homepage", reference["homepage"] + " (the feed's id, not a home page)"))
        else:
            tally("homepage", same_link(line.get("homepage"), reference["homepage"]), line.get("homepage"), reference["homepage"])
        mine_items = line.get("items", [])
        for i, ref in enumerate(reference["items"]):
            mine = mine_items[i] if i < len(mine_items) else {}
            where = f"[{i}]"
            tally("title", plain(mine.get("title"), None) == (ref["title"] or ""), mine.get("title"), ref["title"], where)
            if ref["link"] and not web(ref["link"]) and not mine.get("link"):
                deliberate.append((name + where, "link", ref["link"]))
            elif ref["link_from_id"] and not same_link(mine.get("link"), ref["link"]):
                deliberate.append((name + where, "link", ref["link"] + " (made of an id that is not a web address)"))
            else:
                tally("link", same_link(mine.get("link"), ref["link"]), mine.get("link"), ref["link"], where)
            if ref["date"] is None:
                extra_dates += mine.get("date") is not None
                continue
            day = (mine.get("date_text") or "")[:10]
            utc_day = time.strftime("%Y-%m-%d", time.gmtime(mine["date"])) if mine.get("date") is not None else None
            if mine.get("date") == ref["date"]:
                tally("date", True, None, None)
            elif ref["midnight"] and ref["day"] in (day, utc_day):
                tally("date", True, None, None)
                same_day.append((name + where, mine.get("date_text"), ref["raw"]))
            else:
                tally("date", False, f"{mine.get('date_text')}", f"{ref['day']} from {ref['raw']!r}", where)

    print(f"{len(lines)} files: {len(refused)} refused by roundup, {compared} compared with feedparser")
    for field, (agree, total) in count.items():
        print(f"  {field:11} {agree:5}/{total:<5} agree ({100 * agree / max(total, 1):.1f}%)")
    print(f"  dates: {len(same_day)} of the agreeing dates agree on the day only (feedparser gives midnight)")
    print(f"  dates: {extra_dates} entries dated by roundup and not by feedparser (not counted)")
    print(f"  deliberate: {len(deliberate)} disagreements where feedparser is wrong (not counted, listed below)")
    readable = [r for r in refused if r[1]["entries"] > 0]
    print(f"  refused files that feedparser reads with entries: {len(readable)}")

    print("\nrefused by roundup (feedparser's reading):")
    for line, reference in refused:
        reason = "panicked" if line.get("panic") else line["error"][:90]
        print(f"  {line['file']}: {reason} | feedparser: {reference['entries']} entries, bozo={reference['bozo']}")
    print("\nsame day (roundup's date | feedparser's raw text):")
    for where, mine, raw in same_day:
        print(f"  {where}: {mine} | {raw!r}")
    print("\ndeliberate (feedparser's value, roundup has none):")
    for where, field, value in deliberate:
        print(f"  {where} {field}: {value[:160]!r}")
    print("\ndifferences (roundup | feedparser):")
    for where, field, mine, reference in differences:
        print(f"  {where} {field}: {str(mine)[:70]!r} | {str(reference)[:70]!r}")


if __name__ == "__main__":
    main()
