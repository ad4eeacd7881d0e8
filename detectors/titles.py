"""Names in a mail's titles and tables: a subject line, an attachment's file name or first heading, the
rows of a sheet -> whether they name a person ("Freja 3.A - handleplan", "MUS-referat Helle Dam.docx",
"Oliver;2204078541;3.A").
"""

from __future__ import annotations

import re

from detectors.letter import GROUP_WORDS
from detectors.person import (
    CLASS_RE,
    NAME_VERBS,
    ORGANISATION_ENDINGS,
    ORGANISATION_WORDS,
    PLACE_WORDS,
    PersonCues,
)

MAIL_PREFIXES = frozenset(["re", "sv", "vs", "fw", "fwd", "aw", "wg"])
"""The prefixes of a reply or a forward in a subject line."""
QUOTED = re.compile(r"'[^']+'|\"[^\"]+\"|“[^”]+”|«[^»]+»|»[^«]+«")
"""A quoted title in a subject line."""


def subject_names(cues: PersonCues, subject: str) -> list[str]:
    """Names in a subject line ("Freja 3.A - handleplan"); not places or bodies ("i Østjysk Lærerkreds"),
    nor a quoted title ("vi læser 'Lyset bag Linnea'")."""
    words = [w.strip(".,:;()!?-") for w in QUOTED.sub(" ", subject).split()]
    bare = [w for w in words if w.lower() not in MAIL_PREFIXES]
    if len(bare) == 1 and _listed(cues, bare[0]):
        return bare  # "Subject: lærke" from a phone: a given name alone, whatever its case
    names = []
    for i, word in enumerate(words):
        before = words[i - 1].lower() if i else ""
        following = words[i + 1] if i + 1 < len(words) else ""
        word_name = cues.is_word_name(word) and (
            i > 0 or bool(CLASS_RE.match(following)) or cues.is_name(following) or following in NAME_VERBS
        )
        if not (cues.is_name(word) or word_name) or before in ORGANISATION_WORDS:
            continue
        if before in PLACE_WORDS and not (before in PERSON_PREPOSITIONS and _listed(cues, word)):
            continue  # "i Odense", but "Lektier til Sol": a given name is a person
        if following[:1].isupper() and not cues.is_name(following):
            continue  # "Østervang Skole", "Kragh Byg"
        names.append(word)
    return names


PERSON_PREPOSITIONS = frozenset(["til", "fra", "hos", "ved"])
"""Before a given name of first_names.yaml these speak of a person ("Lektier til Sol"); 'i' and 'på'
name a place, 'om' and 'af' a topic ("karakteranalyse af Niels", a book's character)."""


def _listed(cues: PersonCues, word: str) -> bool:
    """A given name of first_names.yaml (a name or a word name), whatever its case."""
    return word.lower() in cues.first_names or word.lower() in cues.word_names


TITLE_SPLIT = re.compile(r"[\s_]+")


def title_names(cues: PersonCues, title: str, text: str) -> bool:
    """A person is named in a document's title (its file name, subject or first heading): a name, or a
    capitalised word that the document also writes capitalised inside a sentence ('MUS-referat Helle
    Dam' over '..., og Helle oplever'), since Danish capitalises no common nouns there."""
    if subject_names(cues, title):
        return True
    words = [w.strip(".,:;()!?–-") for w in TITLE_SPLIT.split(title)]
    for i, word in enumerate(words):
        before = words[i - 1].lower() if i else ""
        following = words[i + 1].lower() if i + 1 < len(words) else ""
        if (
            len(word) < 2
            or not word[:1].isupper()
            or not word.isalpha()
            or word.isupper()
            or before in PLACE_WORDS
            or word.lower() in ORGANISATION_WORDS
            or word.lower() in GROUP_WORDS
            or cues.is_compound(word.lower())  # "Elevhjemmet": a compound noun in a proper name
            or following in ORGANISATION_WORDS
            or following.endswith(ORGANISATION_ENDINGS)
        ):
            continue
        # after a lower-case word: inside a sentence, not part of a name like "Elevhjemmet Skrænten"
        if re.search(rf"(?<![\w-])[a-zæøå]+,? {re.escape(word)}\b", text):
            return True
    return False


def title_lines(text: str) -> list[str]:
    """A document's first line when it is short enough to be a heading."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    return [line] if len(line.split()) <= 10 else []


TABLE_ROW = re.compile(r"^([A-ZÆØÅ][a-zæøåé]+)(?: [A-ZÆØÅ][a-zæøåé.]+)* *[\t;,|]", re.MULTILINE)
"""A row that opens with a name and a cell break: a tab, ';', ',' or a padded '|' of a text table."""


def names_in_table(cues: PersonCues, text: str, needed: int = 2) -> bool:
    """A sheet or CSV whose rows start with people's names (a class list, a screening)."""
    found = 0
    for match in TABLE_ROW.finditer(text):
        rest = match.group(0)[len(match.group(1)) : -1].lower().split()
        if any(w in ORGANISATION_WORDS or w.endswith(ORGANISATION_ENDINGS) for w in rest):
            continue  # "Bøgely Skole": a school's row, not a person's
        found += cues.is_name(match.group(1))
        if found >= needed:
            return True
    return False
