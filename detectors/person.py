"""Identifiable person: the tokens around a term -> the cue that says it is about a person (or None).

A person is identifiable by a name (a given name of first_names.yaml, or a capitalised word that is
no Danish or English dictionary word, place nor compound), a person word ("eleven", "din søn"),
class plus initials ("8.B ... MH"), or a CPR. Pronouns are weaker: general texts use them too ("hvis
du er syg"); when "jeg/mig/du/dig" count is clauses.py's question. Names in subjects, titles and
tables: titles.py.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field, replace

from detectors.clauses import WRITER, counts_in_clause
from detectors.context import WINDOW_BREAK, CueSet, TokenWindow, normalise, outward, token_texts, token_words
from detectors.letter import bare_signature, calls_on_reader, greets_or_signs, names_the_contact, signature_at
from detectors.lexicon import INFLECTIONS

CLASS_RE = re.compile(r"^\d{1,2}\.?[a-zæøåA-ZÆØÅ]$")
INITIALS_RE = re.compile(r"^(?:[A-ZÆØÅ]{2,4}|[A-ZÆØÅ](?:\.[A-ZÆØÅ]){1,2}\.?)$")
"""A pupil's initials: "AK", "MJH", or dotted "A.K." (its last dot a token of its own)."""
SUBJECT_ABBREVIATIONS = frozenset(["DA", "MA", "EN", "TY", "FR", "SP", "SA", "HI", "BI", "KE", "FY", "NG",
                                   "ID", "MU", "RE", "KRI", "IØ", "VØ", "AFS", "BK", "PS", "DE"])  # fmt: skip
"""'Forløbsplan SA 2.a', 'MA 8.b prøve': a subject's abbreviation before a class, no pupil's initials."""
PLACE_WORDS = frozenset(["i", "på", "fra", "til", "ved", "hos", "om", "af"])
ORGANISATION_WORDS = frozenset(
    ["skole", "skolen", "kommune", "kommunes", "gymnasium", "byg", "auto", "autoteknik", "aps", "a/s", "as",
     "kirke", "hospital", "sygehus", "klinik", "bibliotek", "sfo", "center", "centret", "forlag", "kantine",
     "busselskab", "region", "efterskole", "friskole", "privatskole", "hallen", "stadion", "park", "vej",
     "børnehus", "børnehuset", "børnehave", "børnehaven", "vuggestue", "vuggestuen", "klub", "klubben",
     "fritidsklub", "fritidsklubben", "ungdomsskole", "ungdomsskolen"]
)  # fmt: skip
ORGANISATION_ENDINGS = ("skole", "skolen", "kommune", "centret", "center", "gymnasium", "vej", "gade")
NOUN_ENDINGS = ("isme", "ismen", "tion", "tionen", "hed", "heden", "skab", "skabet", "itet", "iteten",
                "nummer", "nummeret")  # fmt: skip
"""Endings of Danish abstract nouns ("Sekularisme", "Kærlighed") and of a number's name ("Ordrenummer",
"Bestellnummer"): no given name or surname ends so."""
TITLE_ENDINGS = ("leder", "lederen", "lærer", "læreren", "vejleder", "pædagog", "koordinator", "sekretær",
                 "konsulent", "assistent", "medarbejder", "chef", "rådgiver", "plejerske")  # fmt: skip
"""Endings of job titles ("Elevhjemsleder", "Kollegieleder", "Skolesekretær"): no name ends so."""
ASCII_LETTERS = (("ae", "æ"), ("oe", "ø"))
"""A word written without Danish letters ("Ansoeger", "Gaeld") is still a word."""
NO_MARK = ("", "")
"""A token that says nothing about a person."""
PARAGRAPH_TOKENS = 48
"""How far back in its paragraph a term looks for a person when none is near."""
ANTECEDENT_TOKENS = 96
"""How far back in a long paragraph a pronoun looks for its antecedent when none is within reach."""
MAX_NAME_LETTERS = 14
"""Longer capitalised words are Danish compounds in a subject or heading, hardly ever names."""
LATIN_END = "\u024f"
"""The last letter of the Latin script's extended blocks (æ, ø, å, é, ł, ş are before it)."""
PRONOUNS = frozenset(["han", "hun", "ham", "hende", "hans", "hendes", "du", "dig", "jeg", "mig",
                      "he", "she", "him", "his"])  # fmt: skip
"""Person words that general texts use too: they never outweigh a general text."""
IN_CLAUSE_ONLY = frozenset(["jeg", "mig", "du", "dig"])
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
                                  "ssp-konsulent", "pastor", "pastorin", "pfarrer", "pfarrerin", "priester",
                                  "polizist", "polizistin", "arzt", "ärztin", "sundhedsplejerske",
                                  "talepædagog", "fysioterapeut", "ergoterapeut", "socialrådgiver",
                                  "tolk"])  # fmt: skip
"""'Lokalbetjent Kenneth Brix fortæller, hvad politiet ser': a visiting professional, not the subject
(and so in a compound ending in one: 'PPR's skolepsykolog Christian Aagaard')."""
VISITING_ENDINGS = tuple(p + end for p in sorted(VISITING_PROFESSIONS) for end in ("", "en", "n"))
"""A visiting profession in its bare, definite or '-n' form (sundhedsplejersken), one tuple for endswith."""
QUOTES = frozenset(["'", '"', "“", "”", "«", "»", "‘", "’"])
CLASS_WORDS = frozenset(["klasse", "kl", "årgang"])
"""'3. klasse', '7. kl.': a class written out."""
FAMILY_WORDS = frozenset(["far", "mor", "forældre", "farmor", "mormor", "farfar", "morfar", "bror", "søster",
                          "familie", "stedfar", "stedmor", "papfar", "papmor"])  # fmt: skip
"""'Vilds far', 'Storms mor': a word name in the genitive before a family member is a child's name."""
TIE_WORDS = frozenset(["søn", "datter", "barn", "elev", "lærling", "bror", "søster", "dreng", "pige"])
"""'din søn Emil', 'vores elev Ida': the name after these is a pupil or a child."""


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
    german_words: Container[str] = frozenset()
    """Frequent German words: German compounds are no names either ("Arbeitsheft", "Lehrerhandbuch")."""
    formulas: frozenset[str] = frozenset()
    """Stoplisted phrases of the term lists ("ramadan kareem"): a name that ends one is the formula's."""
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
        """Danish compounds are rarely in the lemma table: two known words (with a linking s or e);
        a German one is two words of which one at least is a German word of four letters or more."""
        vocabulary, german = self.vocabulary, self.german_words

        def known(word: str) -> bool:
            return word in vocabulary or word in german

        for i in range(3, len(lower) - 2):
            head, tail = lower[:i], lower[i:]
            linked = head[:-1] if head[-1] in "se" and len(head) > 3 else ""
            if tail in vocabulary and (head in vocabulary or (bool(linked) and linked in vocabulary)):
                return True
            german_part = (len(tail) > 3 and tail in german) or (
                len(head) > 3 and (head in german or linked in german)
            )
            if german_part and known(tail) and (known(head) or (bool(linked) and known(linked))):
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
        if max(text) > LATIN_END:
            return False  # "Шановні батьки": a word in another script, whose names we cannot tell
        lower = text.lower()
        if len(lower) > MAX_NAME_LETTERS:
            return False
        base = lower[:-1] if lower.endswith("s") and len(lower) > 3 else lower
        if lower in self.first_names or base in self.first_names:
            return True
        if any(
            lower.endswith(e) and len(lower) > len(e) + 2
            for e in (*ORGANISATION_ENDINGS, *NOUN_ENDINGS, *TITLE_ENDINGS)
        ):
            return False  # "Blågårdsskolen", "Bakkegårdsvej", "Elevhjemsleder" ("Gade" is a name)
        if self.is_word(lower) or self.is_word(base):
            return False
        if lower.endswith("nr") and len(lower) > 4:
            head = lower[:-2]
            if self.is_word(head) or (head.endswith("s") and self.is_word(head[:-1])):
                return False  # "Ordrenr", "Fakturanr", "Sagsnr": a number's label, abbreviated
        if "é" in lower and self.is_word(lower.replace("é", "e")):
            return False  # "Notér", "Kontrollér": an imperative with its accent
        if len(lower) > 4 and any(a in lower for a, _ in ASCII_LETTERS):
            danish = lower
            for ascii_pair, letter in ASCII_LETTERS:
                danish = danish.replace(ascii_pair, letter)
            if self.is_word(danish):
                return False
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
        every = token_texts(window.artifacts)
        texts = every[span.start : span.stop]
        ends_text = span.stop >= len(every)  # the span reaches the end of what was analysed
        first, last = window.first - span.start, window.last - span.start
        lo, hi = _limits(texts, first, last)
        lo_near, hi_near = max(lo, first - count), min(hi, last + 1 + count)
        paragraph = _paragraph_start(texts, lo, first)
        near = outward(first, lo_near, hi_near)
        person = self.first_cue(texts, near, first, last, span.start, skip=skip, ends_text=ends_text)
        if person is None:
            words = token_words(window.artifacts)[0][span.start + lo_near : span.start + hi_near]
            joined = " ".join(words)
            phrase = next((p for p in self.phrases if p in joined), None)
            if phrase:
                return Person(f"person phrase '{phrase}'")
            earlier = range(lo_near - 1, paragraph - 1, -1)
            person = self.first_cue(texts, earlier, first, last, span.start, skip=skip, ends_text=ends_text)
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
        ends_text: bool = False,
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
                    not counts_in_clause(texts, offset, first, last, cue) or names_the_contact(texts, offset)
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
                if any(INITIALS_RE.match(t) and t not in SUBJECT_ABBREVIATIONS for t in near):
                    return Person("class and initials")
                if offset > 0 and texts[offset - 1].lower() in self.first_names:
                    return Person("name and class")  # "yusuf 8b": a phone's lower-case name
            elif _written_class(texts, offset) and _initials_before(texts, offset - 2):
                return Person("class and initials")  # "RJ (Uglen, 3. kl.)", "MK i 2. klasse"
            elif (kind == "name" or (kind == "word name" and self.named_here(texts, offset))) and not (
                (offset > 0 and texts[offset - 1] == "i")  # "i Odense", "i Vigsø": a town, never a person
                or _after_profession(texts, offset)
                or _introduces_writer(texts, offset)
                or self.ends_formula(texts, offset)
                or _followed_by_organisation(texts, offset, self)
                or greets_or_signs(texts, offset)
                or names_the_contact(texts, offset)
                or calls_on_reader(texts, offset)
                or bare_signature(texts, offset, ends_text)
                or signature_at(texts, offset)
            ):
                return Person("name", name_at=base + offset)
        return pronoun

    def ends_formula(self, texts: list[str], offset: int) -> bool:
        """The name at ``offset`` ends a stoplisted formula with the word before it ("Ramadan Kareem")."""
        if not self.formulas or offset < 1:
            return False
        previous = next((t for t in texts[offset - 1 :: -1] if not t.isspace()), "")
        return f"{previous} {texts[offset]}".lower() in self.formulas

    def named_here(self, texts: list[str], offset: int) -> bool:
        """A word name is a name inside a sentence ("og Storm har"), before a surname ("Bo Jensen") or its
        initial ("Sten O."), or after a word that ties it to a child ("din søn Storm"); a sentence's first
        word is the word."""
        before = (
            next((t for t in texts[offset - 1 :: -1] if not t.isspace() or "\n" in t), "") if offset else ""
        )
        if before and "\n" not in before and before not in SENTENCE_OPENERS:
            return True
        at = next(
            (i for i in range(offset + 1, len(texts)) if not texts[i].isspace() or "\n" in texts[i]), -1
        )
        following = texts[at] if at >= 0 else ""
        return (
            (following[:1].isupper() and following.isalpha() and not following.isupper())
            or (len(following) == 1 and following.isupper() and texts[at + 1 : at + 2] == ["."])  # "Sten O."
            or following in NAME_VERBS
            or bool(CLASS_RE.match(following))  # "Vild 2.a - krampeanfald"
            or (texts[offset].endswith("s") and following.lower() in FAMILY_WORDS)  # "Vilds far anholdt"
        )

    def tied_to_pupil(self, window: TokenWindow, person: Person) -> bool:
        """The person is no name, or a name with a class on its line ("Asger i 7.B", "Ida, 3. klasse")
        or a person word just before it ("eleven Asger", "din søn Emil"): a pupil, whatever the text."""
        offset = person.name_at
        if offset < 0:
            return True
        texts = token_texts(window.artifacts)
        start = max(0, offset - 6)
        start = next((i + 1 for i in range(offset - 1, start - 1, -1) if "\n" in texts[i]), start)
        for i in range(start, min(len(texts), offset + 7)):
            text = texts[i]
            if "\n" in text:
                break
            if CLASS_RE.match(text) or (i > 1 and texts[i - 1] == "." and text.lower() in CLASS_WORDS):
                return True
        at = next((i for i in range(offset - 1, max(-1, offset - 4), -1) if not texts[i].isspace()), -1)
        before = texts[at] if at >= 0 else ""
        kind, cue = self.mark(before)
        tied = (kind == "word" and cue not in PRONOUNS) or normalise(before) in TIE_WORDS
        # "Noras bror Jonas": kin of someone named, a character as much as they are
        return tied and not (at > 0 and _genitive_name(texts[at - 1]))


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


def _followed_by_organisation(texts: list[str], offset: int, cues: PersonCues) -> bool:
    """'Østervang Skole', 'Kragh Byg': an organisation word after it marks a place or firm ('Freja Holm'
    is still a person, though 'holm' is a word)."""
    following = texts[offset + 1].lower() if offset + 1 < len(texts) else ""
    genitive = following[:-1] if following.endswith("s") else ""  # "Kongsbro Skoles tal"
    return (
        following in ORGANISATION_WORDS
        or genitive in ORGANISATION_WORDS
        or following.endswith(ORGANISATION_ENDINGS)
    )


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
        word = normalise(texts[i])
        if word.endswith(VISITING_ENDINGS):
            return True  # a compound or the definite form too: skolepsykolog, sognepræst, sundhedsplejersken
        if not (texts[i][:1].isupper() and texts[i].isalpha()):
            return False  # back over the first names before a surname only
    return False


WRITER_INTRODUCTIONS = (("jeg", "hedder"), ("mit", "navn", "er"), ("my", "name", "is"))
INTRODUCING_VERBS = frozenset(opening[-1] for opening in WRITER_INTRODUCTIONS)


def _introduces_writer(texts: list[str], offset: int) -> bool:
    """The name at ``offset`` (or the name it ends) is the writer's own ("Jeg hedder Hanne Lykke og er
    skolens socialrådgiver", "mit navn er Bo"): the writer counts as 'jeg', in its own clause only."""
    i = offset - 1
    while i >= 0 and (texts[i].isspace() or (texts[i][:1].isupper() and texts[i].isalpha())):
        i -= 1  # back over the first names before a surname
    if i < 1 or texts[i].lower() not in INTRODUCING_VERBS:
        return False  # most names: the cheap test first
    words = tuple(normalise(t) for t in texts[max(0, i - 2) : i + 1] if not t.isspace())
    return any(words[-len(opening) :] == opening for opening in WRITER_INTRODUCTIONS)


def _written_class(texts: list[str], offset: int) -> bool:
    """Token ``offset`` ends one class written out: '3. kl.', '7. klasse' (not '8. årgang', a year)."""
    return (
        offset >= 2
        and texts[offset].lower() in ("kl", "klasse")
        and texts[offset - 1] == "."
        and texts[offset - 2].isdigit()
        and len(texts[offset - 2]) <= 2
    )


def _initials_before(texts: list[str], start: int) -> bool:
    """Initials among the four tokens before ``start`` that stand alone, not in a row of abbreviations
    ("EUD, HHX, STX og 10. klasse" lists programmes)."""
    for at in range(max(0, start - 4), start):
        if INITIALS_RE.match(texts[at]) and len(texts[at]) <= 3:
            beside = [texts[i] for i in (at - 2, at - 1, at + 1, at + 2) if 0 <= i < len(texts)]
            if not any(INITIALS_RE.match(t) for t in beside):
                return True
    return False


def _genitive_name(text: str) -> bool:
    """'Noras', 'Magnus'': a capitalised word in the genitive."""
    return len(text) > 2 and text[:1].isupper() and text[1:].islower() and text.endswith(("s", "'"))
