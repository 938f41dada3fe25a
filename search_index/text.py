"""Text analysis shared by indexing, query parsing and snippets.

Indexing and querying must turn words into the same terms, so both go through this module:
words are found with Whoosh's default token pattern, lower-cased, stop words and one-letter words
dropped, and Porter-stemmed; exactly what ``whoosh.analysis.StemmingAnalyzer()`` does, fused into
one generator because analysis is most of the cost of building an index.

Multi-word synonyms ("personal assistant", "short break") are also indexed as one extra term made
of their stems joined by a space (a character no word contains) at the position of their first
word, so a synonym phrase costs one term lookup at query time instead of a positional check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.formats import Positions
from whoosh.lang.porter import stem as porter_stem

# Whoosh's RegexTokenizer default, r"\w+(\.?\w+)*": words, with inner dots kept ("e.g", "3.5").
TOKEN_PATTERN = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)
MIN_WORD = 2
STOPS: frozenset[str] = frozenset(STOP_WORDS)
SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")

_stems: dict[str, str] = {}
_STEM_CACHE_LIMIT = 200_000


def stem(word: str) -> str:
    """The Porter stem of a lower-case word, cached (stemming is slow in pure Python)."""
    found = _stems.get(word)
    if found is None:
        found = porter_stem(word)
        if len(_stems) >= _STEM_CACHE_LIMIT:
            _stems.clear()
        _stems[word] = found
    return found


def is_indexed_word(lowered: str) -> bool:
    return len(lowered) >= MIN_WORD and lowered not in STOPS


@dataclass(frozen=True)
class Word:
    """One word of some text: what was written, where, and the term it becomes."""

    surface: str
    term: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The indexable words of ``text`` (stop words and one-letter words left out)."""
    out = []
    for match in TOKEN_PATTERN.finditer(text or ""):
        surface = match.group(0)
        lowered = surface.lower()
        if len(lowered) >= MIN_WORD and lowered not in STOPS:
            out.append(Word(surface, stem(lowered), match.start(), match.end()))
    return out


def terms(text: str) -> tuple[str, ...]:
    return tuple(w.term for w in words(text))


def joined(stems: Iterable[str]) -> str:
    """The single term under which a multi-word synonym is indexed."""
    return " ".join(stems)


class DomainAnalyzer(Tokenizer):
    """``StemmingAnalyzer()`` in one pass, plus one joined term per multi-word synonym.

    ``phrases`` are the multi-word synonyms (as tuples of stems) to index as joined terms. The
    analyzer is pickled into the index's schema, so every writer of an index, in any process,
    indexes the same phrases, and a searcher can tell which phrases the index holds.
    """

    def __init__(self, phrases: Iterable[tuple[str, ...]] = ()) -> None:
        self.phrases = frozenset(tuple(p) for p in phrases if len(p) > 1)
        self._index_phrases()

    def _index_phrases(self) -> None:
        self._starting: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(self.phrases):
            self._starting.setdefault(phrase[0], []).append(phrase)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DomainAnalyzer) and self.phrases == other.phrases

    def __hash__(self) -> int:
        return hash(self.phrases)

    def __getstate__(self) -> dict:
        return {"phrases": self.phrases}

    def __setstate__(self, state: dict) -> None:
        self.phrases = state["phrases"]
        self._index_phrases()

    def terms(self, value: str) -> list[str]:
        """The terms of ``value`` in order (position i is the i-th term)."""
        return [
            stem(w)
            for w in (m.lower() for m in TOKEN_PATTERN.findall(value))
            if len(w) >= MIN_WORD and w not in STOPS
        ]

    def _phrases_at(self, found: list[str]) -> Iterator[tuple[int, int, str]]:
        """(position, length, joined term) of each multi-word synonym in a list of terms."""
        starting = self._starting
        for pos, term in enumerate(found):
            for phrase in starting.get(term, ()):
                n = len(phrase)
                if tuple(found[pos : pos + n]) == phrase:
                    yield pos, n, joined(phrase)

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions: what a Positions posting holds."""
        found = self.terms(value)
        out: dict[str, list[int]] = {}
        for pos, term in enumerate(found):
            where = out.get(term)
            if where is None:
                out[term] = [pos]
            else:
                where.append(pos)
        if self._starting:
            for pos, _, term in self._phrases_at(found):
                out.setdefault(term, []).append(pos)
        return out

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        """The Whoosh analyzer protocol (used by Whoosh itself; indexing uses positions())."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        found = [w for w in words(value)]
        terms = [w.term for w in found]
        extra: dict[int, list[tuple[int, str]]] = {}
        for pos, n, term in self._phrases_at(terms):
            extra.setdefault(pos, []).append((n, term))
        for pos, word in enumerate(found):
            for n, text in [(1, word.term), *extra.get(pos, [])]:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = word.surface
                if positions:
                    token.pos = start_pos + pos
                if chars:
                    token.startchar = start_char + word.start
                    token.endchar = start_char + found[pos + n - 1].end
                yield token


class FastPositions(Positions):
    """Whoosh's Positions format, with postings built straight from DomainAnalyzer.positions()
    instead of one Token object per word: the same bytes, in about half the time."""

    _encoded: ClassVar[dict[tuple[int, ...], bytes]] = {}

    def encode(self, poslist: list[int]) -> bytes:
        # Most terms occur once in a document, at one of a few hundred positions: their encoded
        # value (a pickle) is worth remembering.
        key = tuple(poslist)
        found = self._encoded.get(key)
        if found is None:
            found = super().encode(poslist)
            if len(self._encoded) < 200_000:
                self._encoded[key] = found
        return found

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple]:
        if not isinstance(analyzer, DomainAnalyzer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encode = self.encode
        for term, where in analyzer.positions(value).items():
            yield term, len(where), len(where) * boost, encode(where)


@dataclass(frozen=True)
class SynonymEntry:
    text: str  # as written in the data file
    terms: tuple[str, ...]


@dataclass
class Synonyms:
    """Groups of words or phrases that mean the same, looked up by their terms."""

    groups: list[tuple[SynonymEntry, ...]] = field(default_factory=list)
    by_terms: dict[tuple[str, ...], list[int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Synonyms:
        """One group per line, entries separated by commas; '#' starts a comment."""
        synonyms = cls()
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            entries = []
            seen = set()
            for raw in line.split(","):
                entry_terms = terms(raw.strip())
                if entry_terms and entry_terms not in seen:
                    seen.add(entry_terms)
                    entries.append(SynonymEntry(raw.strip(), entry_terms))
            if len(entries) < 2:
                continue
            index = len(synonyms.groups)
            synonyms.groups.append(tuple(entries))
            for entry in entries:
                synonyms.by_terms.setdefault(entry.terms, []).append(index)
        return synonyms

    @property
    def longest(self) -> int:
        return max((len(t) for t in self.by_terms), default=1)

    def phrases(self) -> frozenset[tuple[str, ...]]:
        return frozenset(t for t in self.by_terms if len(t) > 1)

    def match(self, sequence: list[str], start: int) -> tuple[int, list[SynonymEntry]] | None:
        """The longest synonym starting at ``sequence[start]``: (its length, its group's entries)."""
        for n in range(min(self.longest, len(sequence) - start), 0, -1):
            key = tuple(sequence[start : start + n])
            groups = self.by_terms.get(key)
            if groups:
                entries: dict[tuple[str, ...], SynonymEntry] = {}
                for g in groups:
                    for entry in self.groups[g]:
                        entries.setdefault(entry.terms, entry)
                return n, list(entries.values())
        return None


@cache
def load_synonyms(path: Path = SYNONYMS_FILE) -> Synonyms:
    return Synonyms.parse(path.read_text(encoding="utf-8"))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance between a and b, or limit + 1 as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            cost = previous[j - 1] + (ca != cb)
            if previous[j] + 1 < cost:
                cost = previous[j] + 1
            if current[j - 1] + 1 < cost:
                cost = current[j - 1] + 1
            current.append(cost)
            if cost < best:
                best = cost
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1] if previous[-1] <= limit else limit + 1


def reference_tokens(value: str) -> list[tuple[str, int]]:
    """(term, position) from Whoosh's own StemmingAnalyzer: what DomainAnalyzer must match."""
    from whoosh.analysis import StemmingAnalyzer

    return [(t.text, t.pos) for t in StemmingAnalyzer()(value, positions=True)]


def reference_postings(value: str, analyzer: Any, field_boost: float = 1.0) -> list[tuple]:
    """Postings from Whoosh's own Positions format: what FastPositions must match."""
    return sorted(Positions(field_boost=field_boost).word_values(value, analyzer))
