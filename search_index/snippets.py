"""Highlighted snippets: a short, HTML-escaped piece of a document with matched words marked.

Works on the stored text with the same word pattern and stemming as the index, so a word is
marked exactly when the index matched its term; much faster than Whoosh's highlighter, which
re-runs the analyzer chain and scores fragments.
"""

from __future__ import annotations

from html import escape

from search_index.text import MIN_WORD, STOPS, TOKEN_PATTERN, stem

WIDTH = 160
_LEAD = 40  # characters of context kept before the first match


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Move a window's ends to word boundaries so no word is cut in half."""
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and start - space < 20 else start
    if end < len(text):
        space = text.find(" ", end)
        end = space if space != -1 and space - end < 20 else end
    return start, end


def _render(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    out = ["…" if start > 0 else ""]
    at = start
    for s, e in marks:
        if s < start or e > end:
            continue
        out.append(escape(text[at:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        at = e
    out.append(escape(text[at:end]))
    if end < len(text):
        out.append("…")
    return "".join(out).strip()


def lead(text: str, width: int = WIDTH) -> str:
    """The opening of a text, escaped, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= width:
        return escape(text)
    _, end = _cut(text, 0, width)
    return _render(text, 0, end, [])


def _matches(
    text: str,
    terms: frozenset[str],
    phrases: frozenset[tuple[str, ...]],
    width: int,
) -> list[tuple[int, int]]:
    """Character spans of matched words, and of whole phrases (whose words alone don't count),
    from the first match to ``width`` characters after it (the rest is never shown)."""
    ending: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        ending.setdefault(phrase[-1], []).append(phrase)
    recent: list[tuple[str, int, int]] = []
    spans: list[tuple[int, int]] = []
    stop = len(text)
    for match in TOKEN_PATTERN.finditer(text):
        start = match.start()
        if start > stop:
            break
        lowered = match.group(0).lower()
        if len(lowered) < MIN_WORD or lowered in STOPS:
            continue
        term = stem(lowered)
        recent.append((term, start, match.end()))
        if term in terms:
            spans.append((start, match.end()))
        for phrase in ending.get(term, ()):
            n = len(phrase)
            if len(recent) >= n and tuple(t for t, _, _ in recent[-n:]) == phrase:
                spans.append((recent[-n][1], match.end()))
        if spans and stop == len(text):
            stop = spans[0][0] + width
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(
    text: str,
    terms: frozenset[str],
    phrases: frozenset[tuple[str, ...]] = frozenset(),
    width: int = WIDTH,
) -> str | None:
    """The part of ``text`` around its first match, marked; None when nothing matches."""
    if not (terms or phrases) or not text:
        return None
    text = " ".join(text.split())
    found = _matches(text, terms, phrases, width)
    if not found:
        return None
    first = found[0][0]
    start = max(0, first - _LEAD) if len(text) > width else 0
    end = min(len(text), start + width)
    if end - start < width:
        start = max(0, end - width)
    start, end = _cut(text, start, end)
    return _render(text, start, end, found)


def snippet(
    body: str,
    title: str,
    terms: frozenset[str],
    phrases: frozenset[tuple[str, ...]] = frozenset(),
    body_matches: bool = True,
) -> str:
    """From the body if it matches, else the marked title, else the body's opening.

    ``body_matches=False`` (the index says the body has none of the terms) skips reading it.
    """
    return (
        (highlight(body, terms, phrases) if body_matches else None)
        or highlight(title, terms, phrases)
        or lead(body)
    )
