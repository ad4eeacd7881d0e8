"""Identifiable person: the tokens around a term -> the cue that says it is about a person (or None).

A person is identifiable by a name (a capitalised word that is no Danish dictionary word nor a
compound of one), a person word ("eleven", "din søn"), class plus initials ("8.B ... MH"), or a CPR.
Pronouns are weaker: general texts use them too ("hvis du er syg"), so "jeg/mig/du/dig" count only in
the term's own clause and "du" not as the generic you of a rule or question ("Er du syg, ...").
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field, replace

from detectors.context import WINDOW_BREAK, CueSet, TokenWindow, normalise, outward, token_texts, token_words
from detectors.letter import GROUP_WORDS, calls_on_reader, greets_or_signs, names_the_contact, signature_at
from detectors.lexicon import INFLECTIONS

CLASS_RE = re.compile(r"^\d{1,2}\.?[a-zæøåA-ZÆØÅ]$")
INITIALS_RE = re.compile(r"^[A-ZÆØÅ]{2,4}$")
PLACE_WORDS = frozenset(["i", "på", "fra", "til", "ved", "hos", "om", "af"])
ORGANISATION_WORDS = frozenset(
    ["skole", "skolen", "kommune", "kommunes", "gymnasium", "byg", "auto", "autoteknik", "aps", "a/s", "as",
     "kirke", "hospital", "sygehus", "klinik", "bibliotek", "sfo", "center", "centret", "forlag", "kantine",
     "busselskab", "region", "efterskole", "friskole", "privatskole", "hallen", "stadion", "park", "vej",
     "børnehus", "børnehuset", "børnehave", "børnehaven", "vuggestue", "vuggestuen", "klub", "klubben",
     "fritidsklub", "fritidsklubben", "ungdomsskole", "ungdomsskolen"]
)  # fmt: skip
ORGANISATION_ENDINGS = ("skole", "skolen", "kommune", "centret", "center", "gymnasium", "vej", "gade")
NO_MARK = ("", "")
"""A token that says nothing about a person."""
PARAGRAPH_TOKENS = 48
"""How far back in its paragraph a term looks for a person when none is near."""
ANTECEDENT_TOKENS = 96
"""How far back in a long paragraph a pronoun looks for its antecedent when none is within reach."""
MAX_NAME_LETTERS = 14
"""Longer capitalised words are Danish compounds in a subject or heading, hardly ever names."""
PRONOUNS = frozenset(["han", "hun", "ham", "hende", "hans", "hendes", "du", "dig", "jeg", "mig",
                      "he", "she", "him", "his"])  # fmt: skip
"""Person words that general texts use too: they never outweigh a general text."""
IN_CLAUSE_ONLY = frozenset(["jeg", "mig", "du", "dig"])
WRITER = frozenset(["jeg", "mig"])
"""The writer, who is identifiable, when the term is in the same clause ("jeg er sygemeldt")."""
CONDITIONS = frozenset(["hvis", "når", "såfremt", "om"])
"""'hvis du', 'når du': the you of a rule, not the reader."""
MODALS = frozenset(["skal", "kan", "må"])
HOW_TO = frozenset(["sådan", "hvordan"])
"""'Sådan melder du dig syg': the you of an instruction."""
CONDITIONAL_SUBJECTS = frozenset(["du", "man", "i", "dit", "din", "jeres"])
"""'Er du syg, ...', 'Har dit barn feber, ...': a verb and its subject open a condition."""
COORDINATORS = frozenset(["og", "eller", "men"])
"""A clause that continues the one before it, and its reading ('Har du ... eller spiser du')."""
CLAUSE_BREAKS = frozenset([".", "!", "?", ";", ":", "–", "—", "(", ")"])
CLAUSE_STARTS = frozenset([*CLAUSE_BREAKS, ",", "-", "•", "*", '"', "«", "»", "“", "”"])
SENTENCE_OPENERS = frozenset(
    [".", "!", "?", ":", ";", "•", "*", "-", "–", '"', "«", "»", "“", "(", WINDOW_BREAK]
)
"""Tokens after which a capitalised word starts a sentence (where a word name is read as the word)."""
NAME_VERBS = frozenset(["har", "havde", "fik", "får", "blev", "bliver", "siger", "sagde", "fortæller",
                        "fortalte", "mangler", "faldt", "græder", "græd", "slog", "sidder", "sad", "vil",
                        "kom", "kommer", "gik", "går", "skal", "kan", "må", "er", "var"])  # fmt: skip
"""'Birk havde krampeanfald', 'Storm fik 02': a word name before a finite verb opening a sentence is
the name (the weather, a tree or the sun rarely has a seizure)."""
VISITING_PROFESSIONS = frozenset(["betjent", "lokalbetjent", "politibetjent", "politiassistent", "psykolog",
                                  "læge", "overlæge", "tandlæge", "præst", "imam", "forfatter", "journalist",
                                  "foredragsholder", "oplægsholder", "instruktør", "konsulent",
                                  "ssp-konsulent"])  # fmt: skip
"""'Lokalbetjent Kenneth Brix fortæller, hvad politiet ser': a visiting professional, not the subject."""
QUOTES = frozenset(["'", '"', "“", "”", "«", "»", "‘", "’"])
CLASS_WORDS = frozenset(["klasse", "kl", "årgang"])
"""'3. klasse', '7. kl.': a class written out."""
TIE_WORDS = frozenset(["søn", "datter", "barn", "elev", "lærling", "bror", "søster", "dreng", "pige"])
"""'din søn Emil', 'vores elev Ida': the name after these is a pupil or a child."""
SUBORDINATORS = frozenset(["at", "som", "der", "hvor", "fordi", "da", "mens", "og", "men", "så", "eller",
                           "end", "hvis", "når", "om", "selvom", "før", "efter", "indtil"])  # fmt: skip


@dataclass(frozen=True)
class Person:
    """A person cue near a term; ``definite`` unless it is only a pronoun."""

    cue: str
    definite: bool = True
    role: bool = False
    """A role word ("eleven", "barnet") with no name before it: a letter to many means any pupil by it
    ("hvis barnet har feber")."""
    word: str = ""
    """The pronoun itself when the cue is one."""
    name_at: int = -1
    """The token index of the name that is the cue (or a pronoun's antecedent): whether a class or a
    person word ties it to a pupil is asked only in a lesson or announcement (``tied_to_pupil``)."""

    def inheriting(self, earlier: Person) -> Person:
        """This pronoun or role word, made definite by the cue before it in the paragraph."""
        return replace(self, definite=True, role=earlier.role, name_at=earlier.name_at)


@dataclass(frozen=True)
class PersonCues:
    """What counts as a person near a term; ``vocabulary`` is the lemma table (its words are no names)."""

    words: CueSet
    phrases: tuple[str, ...]
    not_names: frozenset[str]
    vocabulary: Container[str]
    term_words: Container[str] = frozenset()
    """Single-word terms of every category: "Danmarksdemokraterne" in a lesson plan is no name."""
    first_names: Container[str] = frozenset()
    """Given names, names though the lemma table knows them ("Jens", "Noah") or they look like a
    compound ("Rasmus", "Morten")."""
    word_names: Container[str] = frozenset()
    """Given names that are everyday words too ("Storm", "Bo", "Per"): names inside a sentence only."""
    name_cache: dict[str, bool] = field(default_factory=dict, compare=False)
    marks: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)

    def is_word(self, lower: str) -> bool:
        return lower in self.vocabulary or lower in self.not_names or self.is_term(lower)

    def is_term(self, lower: str) -> bool:
        """A category term, plain or inflected (konservative, uddannelsesparathedsvurderingen)."""
        terms = self.term_words
        return lower in terms or any(
            lower.endswith(ending) and lower[: -len(ending)] in terms for ending in INFLECTIONS if ending
        )

    def is_compound(self, lower: str) -> bool:
        """Danish compounds are rarely in the lemma table: two known words (with a linking s or e)."""
        vocabulary = self.vocabulary
        for i in range(3, len(lower) - 2):
            head, tail = lower[:i], lower[i:]
            if tail in vocabulary and (
                head in vocabulary or (head[-1] in "se" and len(head) > 3 and head[:-1] in vocabulary)
            ):
                return True
        return False

    def is_name(self, text: str) -> bool:
        known = self.name_cache.get(text)
        if known is None:
            known = self.name_cache[text] = self.looks_like_name(text)
            if len(self.name_cache) > 50_000:
                self.name_cache.clear()
        return known

    def looks_like_name(self, text: str) -> bool:
        if "-" in text:  # "Al-Hassan", "Vestergaard-Nielsen"; never "ADHD-udredning"
            parts = text.split("-")
            return all(p[:1].isupper() and p.isalpha() and not p.isupper() for p in parts) and any(
                len(p) > 2 and self.looks_like_name(p) for p in parts
            )
        if text.endswith(("'s", "\u2019s", "'", "\u2019")) and len(text) > 3:  # "Felix's", "Jonas'"
            text = text.rstrip("s").rstrip("'\u2019")
        if len(text) < 2 or not text[0].isupper() or not text.isalpha() or text.isupper():
            return False
        lower = text.lower()
        if len(lower) > MAX_NAME_LETTERS:
            return False
        base = lower[:-1] if lower.endswith("s") and len(lower) > 3 else lower
        if lower in self.first_names or base in self.first_names:
            return True
        if any(lower.endswith(e) and len(lower) > len(e) + 2 for e in ORGANISATION_ENDINGS):
            return False  # "Blågårdsskolen", "Bakkegårdsvej": a school or a street ("Gade" is a name)
        if self.is_word(lower) or self.is_word(base):
            return False
        if "é" in lower and self.is_word(lower.replace("é", "e")):
            return False  # "Notér", "Kontrollér": an imperative with its accent
        return not (self.is_compound(lower) or self.is_compound(base))

    def is_word_name(self, text: str) -> bool:
        """A given name that is also an everyday word ("Storm", "Bos"), capitalised as a name."""
        if len(text) < 2 or not text[0].isupper() or text.isupper():
            return False
        lower = text.lower()
        return lower in self.word_names or (lower.endswith("s") and lower[:-1] in self.word_names)

    def mark(self, text: str) -> tuple[str, str]:
        """What a token alone may say about a person: ("word", cue), ("class", ""), ("name", ""), or
        NO_MARK; remembered per token text (the same words recur in every window of a worker's mail)."""
        try:
            return self.marks[text]
        except KeyError:
            pass
        cue = self.words.cue_of(normalise(text))
        if cue:
            mark = ("word", cue)
        elif CLASS_RE.match(text):
            mark = ("class", "")
        elif self.is_name(text):
            mark = ("name", "")
        elif self.is_word_name(text):
            mark = ("word name", "")
        else:
            mark = NO_MARK
        if len(self.marks) > 100_000:
            self.marks.clear()
        self.marks[text] = mark
        return mark

    def find(self, window: TokenWindow, count: int) -> str | None:
        """A short description of the nearest person cue within ``count`` tokens, or None."""
        person = self.nearest(window, count)
        return person.cue if person else None

    def nearest(self, window: TokenWindow, count: int, skip: Container[str] = frozenset()) -> Person | None:
        """The nearest person cue within ``count`` tokens (a definite one before a pronoun), else one
        earlier in the paragraph. A pronoun is definite when a name or person word precedes it there.
        Person words in ``skip`` are passed over (a survey question's "jeg")."""
        span = window.token_range(max(count, PARAGRAPH_TOKENS))
        texts = token_texts(window.artifacts)[span.start : span.stop]
        first, last = window.first - span.start, window.last - span.start
        lo, hi = _limits(texts, first, last)
        lo_near, hi_near = max(lo, first - count), min(hi, last + 1 + count)
        paragraph = _paragraph_start(texts, lo, first)
        person = self.first_cue(texts, outward(first, lo_near, hi_near), first, last, span.start, skip=skip)
        if person is None:
            words = token_words(window.artifacts)[0][span.start + lo_near : span.start + hi_near]
            joined = " ".join(words)
            phrase = next((p for p in self.phrases if p in joined), None)
            if phrase:
                return Person(f"person phrase '{phrase}'")
            earlier = range(lo_near - 1, paragraph - 1, -1)
            person = self.first_cue(texts, earlier, first, last, span.start, skip=skip)
            if person is not None:
                person = replace(person, cue=f"{person.cue} earlier in the paragraph")
        if person is not None and (not person.definite or person.role):
            earlier = range(first - 1, paragraph - 1, -1)
            antecedent = self.first_cue(texts, earlier, first, last, span.start, definite_only=True)
            if antecedent is None and paragraph == 0 and span.start > 0:
                antecedent = self.distant_antecedent(window)
            if antecedent is not None and not (person.definite and antecedent.role):
                return person.inheriting(antecedent)  # "Aya Hassan har spurgt ... Hun er muslim"
        return person

    def distant_antecedent(self, window: TokenWindow) -> Person | None:
        """A name or person word further back in a long paragraph than a term looks for a person
        ("Viggo har haft 41 % fravær ... Vores vurdering er, at han falder ud af skolen"); asked only
        when the paragraph starts beyond the near reach."""
        span = window.token_range(ANTECEDENT_TOKENS)
        texts = token_texts(window.artifacts)[span.start : span.stop]
        first, last = window.first - span.start, window.last - span.start
        paragraph = _paragraph_start(texts, _limits(texts, first, last)[0], first)
        earlier = range(first - PARAGRAPH_TOKENS - 1, paragraph - 1, -1)
        return self.first_cue(texts, earlier, first, last, span.start, definite_only=True)

    def first_cue(
        self,
        texts: list[str],
        order: Iterable[int],
        first: int,
        last: int,
        base: int,
        definite_only: bool = False,
        skip: Container[str] = frozenset(),
    ) -> Person | None:
        """The first person cue among the tokens at ``order``: a definite one, else the first pronoun;
        ``texts`` starts at token ``base`` of the analysed text."""
        pronoun = None
        for offset in order:
            kind, cue = self.mark(texts[offset])
            if kind == "word":
                if cue in skip:
                    continue
                if cue in IN_CLAUSE_ONLY and (
                    not _counts_in_clause(texts, offset, first, last, cue) or names_the_contact(texts, offset)
                ):
                    continue
                if cue in WRITER:
                    if _in_quotation(texts, offset):
                        continue  # "'Jeg føler mig ensom' - ofte: 6 %": a quoted voice, not the writer
                    return Person(f"person word '{cue}'", word=cue)
                if cue not in PRONOUNS:
                    return Person(f"person word '{cue}'", role=True)
                if not definite_only:
                    pronoun = pronoun or Person(f"person word '{cue}'", definite=False, word=cue)
            elif kind == "class":
                near = [*texts[max(0, offset - 3) : offset], *texts[offset + 1 : offset + 4]]  # "SJ i 4.a"
                if any(INITIALS_RE.match(t) for t in near):
                    return Person("class and initials")
            elif (kind == "name" or (kind == "word name" and self.named_here(texts, offset))) and not (
                (offset > 0 and texts[offset - 1] == "i")  # "i Odense", "i Vigsø": a town, never a person
                or _after_profession(texts, offset)
                or _followed_by_organisation(texts, offset, self)
                or greets_or_signs(texts, offset)
                or names_the_contact(texts, offset)
                or calls_on_reader(texts, offset)
                or signature_at(texts, offset)
            ):
                return Person("name", name_at=base + offset)
        return pronoun

    def named_here(self, texts: list[str], offset: int) -> bool:
        """A word name is a name inside a sentence ("og Storm har"), before a surname ("Bo Jensen") or
        after a word that ties it to a child ("din søn Storm"); a sentence's first word is the word."""
        before = (
            next((t for t in texts[offset - 1 :: -1] if not t.isspace() or "\n" in t), "") if offset else ""
        )
        if before and "\n" not in before and before not in SENTENCE_OPENERS:
            return True
        following = next((t for t in texts[offset + 1 :] if not t.isspace() or "\n" in t), "")
        return (following[:1].isupper() and following.isalpha() and not following.isupper()) or (
            following in NAME_VERBS or bool(CLASS_RE.match(following))  # "Vild 2.a - krampeanfald"
        )

    def tied_to_pupil(self, window: TokenWindow, person: Person) -> bool:
        """The person is no name, or a name with a class on its line ("Asger i 7.B", "Ida, 3. klasse")
        or a person word just before it ("eleven Asger", "din søn Emil"): a pupil, whatever the text."""
        offset = person.name_at
        if offset < 0:
            return True
        texts = token_texts(window.artifacts)
        for i in range(max(0, offset - 6), min(len(texts), offset + 7)):
            text = texts[i]
            if "\n" in text:
                if i > offset:
                    break
                continue
            if CLASS_RE.match(text) or (i > 1 and texts[i - 1] == "." and text.lower() in CLASS_WORDS):
                return True
        before = next((t for t in texts[offset - 1 : max(0, offset - 4) : -1] if not t.isspace()), "")
        kind, cue = self.mark(before)
        return (kind == "word" and cue not in PRONOUNS) or normalise(before) in TIE_WORDS


QUOTED = re.compile(r"'[^']+'|\"[^\"]+\"|“[^”]+”|«[^»]+»|»[^«]+«")
"""A quoted title in a subject line."""


def subject_names(cues: PersonCues, subject: str) -> list[str]:
    """Names in a subject line ("Freja 3.A - handleplan"); not places or bodies ("i Østjysk Lærerkreds"),
    nor a quoted title ("vi læser 'Lyset bag Linnea'")."""
    words = [w.strip(".,:;()!?-") for w in QUOTED.sub(" ", subject).split()]
    names = []
    for i, word in enumerate(words):
        before = words[i - 1].lower() if i else ""
        following = words[i + 1] if i + 1 < len(words) else ""
        word_name = cues.is_word_name(word) and (
            i > 0 or bool(CLASS_RE.match(following)) or cues.is_name(following) or following in NAME_VERBS
        )
        if not (cues.is_name(word) or word_name) or before in PLACE_WORDS or before in ORGANISATION_WORDS:
            continue
        if following[:1].isupper() and not cues.is_name(following):
            continue  # "Østervang Skole", "Kragh Byg"
        names.append(word)
    return names


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


TABLE_ROW = re.compile(r"^([A-ZÆØÅ][a-zæøåé]+)(?: [A-ZÆØÅ][a-zæøåé.]+)*[\t;,]", re.MULTILINE)


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


def _limits(texts: list[str], first: int, last: int) -> tuple[int, int]:
    """Context never crosses a window break."""
    before, after = texts[:first], texts[last + 1 :]
    lo = first - before[::-1].index(WINDOW_BREAK) if WINDOW_BREAK in before else 0
    hi = last + 1 + after.index(WINDOW_BREAK) if WINDOW_BREAK in after else len(texts)
    return lo, hi


def _paragraph_start(texts: list[str], lo: int, first: int) -> int:
    """The first token of the span's paragraph (a blank line or a window break ends it)."""
    for i in range(first - 1, lo - 1, -1):
        if "\n\n" in texts[i] or texts[i] == WINDOW_BREAK:
            return i + 1
    return lo


def _counts_in_clause(texts: list[str], offset: int, first: int, last: int, pronoun: str) -> bool:
    """'jeg/mig/du/dig' speak of a person only in the term's own clause, and 'du' not as the generic
    you of a rule or a question ('Hvis du er syg', 'Er du sygemeldt ..., tilbydes du')."""
    between = texts[offset + 1 : first] if offset < first else texts[last + 1 : offset]
    if any(t in CLAUSE_BREAKS or "\n" in t for t in between):
        return False
    return pronoun in WRITER or not _generic_you(texts, offset)


def _generic_you(texts: list[str], offset: int) -> bool:
    """'Hvis du', 'Er du syg', 'Hvis du er syg, skal du': the you of a rule or a question. A verb or
    modal before "du" after a fronted clause or adverbial is Danish word order (V2: "Som opfølgning på
    samtalen, meddeles du", "I morgen skal du"), generic only in a sentence that opens with a condition."""
    before = [t for t in texts[max(0, offset - 4) : offset] if not t.isspace() or "\n" in t]
    previous = normalise(before[-1]) if before else ""
    if previous in CONDITIONS:
        return True
    if previous == "du" and normalise(texts[offset]) == "dig":  # "melder du dig": as generic as its "du"
        du = offset - 1
        while texts[du].isspace():
            du -= 1
        return _generic_you(texts, du)
    if not previous.isalpha() or previous in SUBORDINATORS:
        return False
    start = before[-2] if len(before) > 1 else "\n"
    if normalise(start) in HOW_TO:
        return True  # "Sådan melder du dig syg": the you of an instruction
    if start != "," and (start in CLAUSE_STARTS or "\n" in start or (offset < 2 and len(before) < 2)):
        return True  # "Er du syg ...", "Skal du ...": a verb opens the sentence
    if start == "," or previous in MODALS or normalise(start) in COORDINATORS:
        return _opens_with_condition(texts, offset)  # "Har du en allergi eller spiser du ikke svinekød"
    return False


def _opens_with_condition(texts: list[str], offset: int) -> bool:
    """The sentence around ``offset`` opens with a condition: 'Hvis/Når du ...', 'Er du syg, ...'."""
    i = offset - 1
    while i > 0 and not _ends_sentence(texts, i - 1):
        i -= 1
    words = [normalise(t) for t in texts[i:offset] if t.strip() and normalise(t)]
    return bool(words) and (words[0] in CONDITIONS or (len(words) > 1 and words[1] in CONDITIONAL_SUBJECTS))


def _ends_sentence(texts: list[str], i: int) -> bool:
    """A sentence ends here: a full stop after a word (not "d. 4." or "kl."), another break, a paragraph."""
    text = texts[i]
    if "\n\n" in text or text == WINDOW_BREAK or text in ("!", "?", ";", ":"):
        return True
    if text != ".":
        return False
    word = next((t for t in texts[i - 1 :: -1] if not t.isspace()), "") if i else ""
    return len(word) > 2 and word.isalpha()


def _followed_by_organisation(texts: list[str], offset: int, cues: PersonCues) -> bool:
    """'Østervang Skole', 'Kragh Byg': an organisation word after it marks a place or firm ('Freja Holm'
    is still a person, though 'holm' is a word)."""
    following = texts[offset + 1].lower() if offset + 1 < len(texts) else ""
    return following in ORGANISATION_WORDS or following.endswith(ORGANISATION_ENDINGS)


def _in_quotation(texts: list[str], offset: int) -> bool:
    """Token ``offset`` is inside a quotation opened earlier on its line ("'Jeg er blevet mobbet'")."""
    quotes = 0
    for i in range(offset - 1, max(-1, offset - 40), -1):
        text = texts[i]
        if "\n" in text:
            break
        quotes += text in QUOTES
    return quotes % 2 == 1


def _after_profession(texts: list[str], offset: int) -> bool:
    """The name at ``offset`` (or the name it ends) follows a visiting profession ("Lokalbetjent Kenneth
    Brix")."""
    for i in range(offset - 1, max(-1, offset - 4), -1):
        if normalise(texts[i]) in VISITING_PROFESSIONS:
            return True
        if not (texts[i][:1].isupper() and texts[i].isalpha()):
            return False  # back over the first names before a surname only
    return False
