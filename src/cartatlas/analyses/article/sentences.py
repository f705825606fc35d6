"""Split an article into sentences with their character spans and paragraph numbers.

A list item or heading is its own sentence; inside a paragraph a sentence ends at ". ", "! " or
"? " before a capital, digit or quote, except after abbreviations pages use ("U.S.", "e.g.",
"Dr.", "vs.") and inside numbers ("82.4", "2021.12").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:U\.S|U\.K|e\.g|i\.e|Dr|Mr|Mrs|Ms|Prof|vs|approx|No|Fig|Inc|Ltd|Co|St|al|etc|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.|\b[A-Z]\.)$"
)
_END = re.compile(r"[.!?。！？](?=[\s\"'”’)\]]*(?:\s|$))")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    paragraph = 0
    for block in re.finditer(r"[^\n]+", text):
        line = block.group(0)
        if not line.strip():
            continue
        if block.start() > 0 and text[max(0, block.start() - 2) : block.start()] == "\n\n":
            paragraph += 1
        start = 0
        for end in _END.finditer(line):
            stop = end.end()
            if _ABBREVIATIONS.search(line[:stop]) or stop >= len(line):
                continue
            following = line[stop:].lstrip()
            if following and not re.match(r"[\"'“‘(\[]?[A-Z0-9\u4e00-\u9fff]", following):
                continue
            _append(sentences, line, block.start(), start, stop, paragraph)
            start = stop
        _append(sentences, line, block.start(), start, len(line), paragraph)
    return sentences


def _append(found: list[Sentence], line: str, offset: int, start: int, stop: int, para: int):
    piece = line[start:stop]
    stripped = piece.strip()
    if not stripped:
        return
    begin = offset + start + (len(piece) - len(piece.lstrip()))
    found.append(Sentence(stripped, begin, begin + len(stripped), para))
