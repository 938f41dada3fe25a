"""From the text a person typed to concepts the engine looks for.

The text is never parsed as Whoosh query syntax: double-quoted parts are phrases, everything else
is words; symbols, operators ("AND", "OR" are plain words, and stop words) and an unbalanced
quote cannot make a query fail. Each word (or quoted phrase) becomes a *concept*: the ways it may
appear in a document. A word's concept also holds its synonyms (a run of words that is a
synonym, like "short break", becomes one concept) and, when the index does not know the word,
the known words closest in spelling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from search_index.text import Synonyms, Word, edit_distance, words

MAX_TEXT = 500  # characters of query text considered
MAX_CONCEPTS = 16  # concepts searched (a pasted paragraph is not a query)
MAX_FUZZY_WORDS = 6  # unknown words corrected per query
MAX_CANDIDATES = 4  # spellings searched for one unknown word
MIN_FUZZY_LENGTH = 3  # shorter words are never corrected ("pa", "gp")
SYNONYM_WEIGHT = 0.5  # a synonym scores below the words typed


@dataclass(frozen=True)
class Alternative:
    """One way a concept can appear: a term, or a phrase of terms."""

    terms: tuple[str, ...]
    weight: float = 1.0


@dataclass
class Concept:
    text: str  # as typed
    alternatives: list[Alternative]
    quoted: bool = False
    synonym: bool = False
    corrected: str | None = None  # the word searched for instead of an unknown one
    term: str | None = None  # a single unquoted word's term (for spelling suggestions)

    def shown(self, replacement: str | None = None) -> str:
        text = replacement or self.corrected or self.text
        return f'"{text}"' if self.quoted else text


@dataclass
class Plan:
    concepts: list[Concept] = field(default_factory=list)

    @property
    def corrected(self) -> bool:
        return any(c.corrected for c in self.concepts)

    def corrected_text(self) -> str | None:
        if not self.corrected:
            return None
        return " ".join(c.shown() for c in self.concepts)

    def highlight_terms(self) -> frozenset[str]:
        """Single-word terms to mark in snippets."""
        return frozenset(
            a.terms[0] for c in self.concepts for a in c.alternatives if len(a.terms) == 1
        )

    def highlight_phrases(self) -> frozenset[tuple[str, ...]]:
        """Phrases to mark in snippets (only where their words occur together)."""
        return frozenset(a.terms for c in self.concepts for a in c.alternatives if len(a.terms) > 1)


def split_quoted(text: str) -> list[tuple[str, bool]]:
    """Pieces of text and whether each was inside double quotes. A last, unclosed quote is
    ignored (its text is read as words)."""
    text = text.replace("“", '"').replace("”", '"')[:MAX_TEXT]
    pieces = text.split('"')
    if len(pieces) % 2 == 0:  # an odd number of quotes: the last one opens nothing
        pieces[-2:] = [pieces[-2] + " " + pieces[-1]]
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece.strip()]


@dataclass
class Lexicon:
    """What the planner needs to know about the index."""

    frequency: Callable[[str], int]  # alive documents with this term in a text field
    vocabulary: Callable[[], dict[str, list[str]]]  # word terms by first letter
    surface: Callable[[str, str], str]  # (term, typed) -> the word as documents write it
    # (term, max edits) -> close_terms(); lets the index cache the answers
    close: Callable[[str, int], list[tuple[int, int, str]]] | None = None


def max_edits(typed: str) -> int:
    """Edits allowed when matching a word fuzzily: 1 for short words, 2 for longer ones."""
    return 1 if len(typed) <= 5 else 2


def close_terms(lexicon: Lexicon, term: str, typed: str) -> list[tuple[int, int, str]]:
    """Known terms within the edit distance allowed for ``typed``, sharing its first letter
    (Whoosh's "prefix 1"), nearest first, then most frequent: (distance, -frequency, term)."""
    if lexicon.close is not None:
        return lexicon.close(term, max_edits(typed))
    return find_close_terms(lexicon, term, max_edits(typed))


def find_close_terms(lexicon: Lexicon, term: str, limit: int) -> list[tuple[int, int, str]]:
    found = []
    for candidate in lexicon.vocabulary().get(term[:1], ()):
        if candidate == term or abs(len(candidate) - len(term)) > limit:
            continue
        distance = edit_distance(term, candidate, limit)
        if distance <= limit:
            frequency = lexicon.frequency(candidate)
            if frequency:
                found.append((distance, -frequency, candidate))
    found.sort()
    return found


def _correctable(word: Word) -> bool:
    return len(word.surface) >= MIN_FUZZY_LENGTH and not any(ch.isdigit() for ch in word.surface)


def plan(text: str, lexicon: Lexicon, synonyms: Synonyms) -> Plan:
    """The concepts of ``text``: quoted phrases, synonym groups, words (corrected if unknown)."""
    result = Plan()
    synonym_words = {t for entry_terms in synonyms.by_terms for t in entry_terms}
    fuzzy_budget = MAX_FUZZY_WORDS
    for piece, quoted in split_quoted(text or ""):
        found = words(piece)
        if not found:
            continue
        if quoted:
            terms = tuple(w.term for w in found)
            result.concepts.append(
                Concept(" ".join(w.surface for w in found), [Alternative(terms)], quoted=True)
            )
            continue
        # Correct unknown words first, so a misspelt synonym still finds its group.
        searched: list[list[str]] = []
        corrected: list[str | None] = []
        for word in found:
            searched.append([word.term])
            corrected.append(None)
            if (
                fuzzy_budget
                and _correctable(word)
                and word.term not in synonym_words
                and not lexicon.frequency(word.term)
            ):
                fuzzy_budget -= 1
                near = close_terms(lexicon, word.term, word.surface.lower())
                if near:
                    best = near[0][0]
                    options = [t for d, _, t in near if d == best][:MAX_CANDIDATES]
                    searched[-1] = options
                    corrected[-1] = lexicon.surface(options[0], word.surface.lower())
        sequence = [options[0] for options in searched]
        i = 0
        while i < len(found):
            match = synonyms.match(sequence, i)
            if match:
                n, entries = match
                typed = tuple(sequence[i : i + n])
                surfaces = [corrected[j] or found[j].surface for j in range(i, i + n)]
                result.concepts.append(
                    Concept(
                        " ".join(w.surface for w in found[i : i + n]),
                        [
                            Alternative(e.terms, 1.0 if e.terms == typed else SYNONYM_WEIGHT)
                            for e in entries
                        ],
                        synonym=True,
                        corrected=" ".join(surfaces)
                        if any(corrected[j] for j in range(i, i + n))
                        else None,
                    )
                )
                i += n
                continue
            word = found[i]
            result.concepts.append(
                Concept(
                    word.surface,
                    [Alternative((t,)) for t in searched[i]],
                    corrected=corrected[i],
                    term=word.term,
                )
            )
            i += 1
    del result.concepts[MAX_CONCEPTS:]
    return result
