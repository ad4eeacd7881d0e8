"""Letter shape: the tokens of a mail -> where a name greets the reader, signs the mail or is its contact.

A name in these places is who writes, reads or answers the mail ("Hej Maja", "Venlig hilsen Bo",
"ring til Birgit"), never whom the mail is about.
"""

from __future__ import annotations

import re

from detectors.context import WINDOW_BREAK, TokenWindow, normalise, token_texts

GREETINGS = frozenset(["fra", "cc", "mvh", "kh", "vh", "hilsen", "hilsner", "venlig", "sendt"])
"""A name right after these (same line, or the line after a closing) signs or quotes the mail."""
CLOSINGS = frozenset(["mvh", "kh", "vh", "hilsen", "hilsner", "vh.", "mvh."])
SIGN_OFFS = frozenset(["mvh", "kh", "vh", "hilsen", "hilsner", "venlig hilsen", "med venlig hilsen",
                       "venlige hilsner", "de bedste hilsner", "bedste hilsner", "mange hilsner",
                       "kærlig hilsen", "kærlige hilsner", "varme hilsner", "de varmeste hilsner",
                       "god weekend", "god jul", "glædelig jul", "godt nytår", "god sommer", "god ferie",
                       "god påske", "glædelig påske", "velsignet advent", "glædelig advent",
                       "kind regards", "best regards", "regards", "best wishes", "warm regards",
                       "mit freundlichen grüßen", "viele grüße", "liebe grüße", "beste grüße",
                       "herzliche grüße"])  # fmt: skip
"""A line of these opens a signature block: a closing, or a wish that ends a mail ("Velsignet advent")."""
SIGN_OFF_OPENINGS = frozenset(closing.split()[0] for closing in SIGN_OFFS)
SIGNATURE_LINES = 4
SIGNATURE_LINE_WORDS = 8
GREETING_OPENERS = frozenset(["kære", "hej", "hejsa", "goddag", "dear", "hi", "hello"])
GROUP_WORDS = frozenset(
    ["alle", "allesammen", "forældre", "kolleger", "kollegaer", "medarbejdere", "personale", "team",
     "teamet", "elever", "lærere", "bestyrelse", "bestyrelsen", "klasse", "klassen", "venner", "i", "jer",
     "familie", "familien", "kunde", "kunder", "medlemmer", "sfo", "kontor", "kontoret", "parents",
     "families", "students", "pupils", "all", "everyone", "colleagues", "class", "staff"]
)  # fmt: skip
"""'Kære Forældre', 'Hej Team': a greeting to many."""
GROUP_ENDINGS = ("erne", "ere", "er")
"""'Hej nattevagter', 'Kære kontaktlærere': a lower-case plural after a greeting is a group."""
TEAM_CODE = re.compile(r"^[A-ZÆØÅ]{1,3}\d{1,2}[a-zA-Z]?$|^\d{1,2}\.?[a-zæøåA-ZÆØÅ]$")
"""'Hej K2', 'Kære 7.b': a team's or a class's code."""


def greets_a_group(text: str) -> bool:
    """The text opens with a greeting to a group ('Kære elever', 'Hej nattevagter', 'Hej team', 'Hej
    K2'): a group word, lower-case plurals, or a team's code, and no name."""
    words = _greeting_words(text)
    if not words:
        return False
    if words[0].lower() in ("alle", "all", "everyone"):
        return True  # "Hej alle på knallerthold 2"
    return all(
        w.lower() in GROUP_WORDS
        or (w.islower() and w.endswith(GROUP_ENDINGS))
        or TEAM_CODE.match(w)
        or (w.isupper() and len(w) >= 3)  # "Hej PPR", "Dear MYP 5"
        or w.isdigit()
        for w in words
    )


def _greeting_words(text: str) -> list[str]:
    """The words after the opener of a short greeting line ('Kære Bo' -> ['Bo']), else []."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    words = [w.strip(".,:;!?") for w in line.split()]
    if len(words) < 2 or len(words) > 4 or words[0].lower() not in GREETING_OPENERS:
        return []
    return [w for w in words[1:] if w and w.lower() not in ("og", "&")]


def greets_one_person(text: str) -> bool:
    """The text opens with a greeting to one named person ('Kære Bo', 'Hej Maja Holm,'): its 'du' and
    'dig' are that reader, whoever the name is (a greeted name is never the subject itself)."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    words = [w.strip(".,:;!?") for w in line.split()]
    if len(words) < 2 or len(words) > 4 or words[0].lower() not in GREETING_OPENERS:
        return False
    return all(
        w[:1].isupper() and w.replace("-", "").isalpha() and w.lower() not in GROUP_WORDS for w in words[1:]
    )


def in_signature(window: TokenWindow) -> bool:
    """The span is in a signature block: a few short lines under 'Venlig hilsen' / 'Mvh Bo'."""
    return signature_at(token_texts(window.artifacts), window.first)


def signature_at(texts: list[str], index: int) -> bool:
    """Token ``index`` is in a signature block (a name there signs the mail or gives a contact)."""
    line: list[str] = []  # the words of a line, last first: the token's own, then those above it
    above = 0  # lines passed
    for i in range(index - 1, max(-1, index - 61), -1):
        text = texts[i]
        if text == WINDOW_BREAK:
            break
        if "\n" not in text:
            if not text.isspace():
                line.append(text)
            continue
        if not above:
            if len(line) > SIGNATURE_LINE_WORDS:
                return False
        else:
            verdict = _line_verdict(line)
            if verdict is not None:
                return verdict
        above += 1
        if above > SIGNATURE_LINES + 1:
            return False
        line = []
    return bool(above) and bool(_line_verdict(line))


def _line_verdict(reversed_line: list[str]) -> bool | None:
    """A line above a span: True if it signs off, False if it is a sentence, None if it may be part
    of a signature block (a name, a title, an address)."""
    line = reversed_line[::-1]
    if _signs_off(line):
        return True
    if len(line) > SIGNATURE_LINE_WORDS or (line and line[-1] in ".!?"):
        return False  # a sentence: the span is in the text, not under a closing
    return None


def _signs_off(line: list[str]) -> bool:
    opening = next((w for w in map(normalise, line) if w), "")
    if opening not in SIGN_OFF_OPENINGS:
        return False  # most lines: no closing can start with their first word
    words = [w for w in (normalise(t) for t in line) if w]
    text = " ".join(words)
    return any(
        text == closing or (text.startswith(closing + " ") and len(words) <= len(closing.split()) + 3)
        for closing in SIGN_OFFS
    )


def greets_or_signs(texts: list[str], offset: int) -> bool:
    """'Hej Maja', 'Fra: Lene Holm', '/Lasse', or a name line under 'Venlig hilsen' is no subject of the
    mail."""
    i = offset - 1
    while i >= 0 and (texts[i] == ":" or (texts[i][:1].isupper() and texts[i].isalpha())):
        if normalise(texts[i]) in GREETINGS:
            return True  # "Mvh Inge Kronborg": the walk over the name reached the greeting
        i -= 1  # the rest of the name, or the colon of "Fra:"
    if i >= 0 and normalise(texts[i]) in GREETINGS:
        return True
    if i >= 0 and texts[i] == "/" and (i == 0 or "\n" in texts[i - 1]):
        return True  # "/Lasse" on a line of its own signs the mail
    while i >= 0 and "\n" not in texts[i]:
        i -= 1
    if i < 0 or "\n\n" in texts[i]:
        return False
    j = i - 1
    while j >= 0 and "\n" not in texts[j]:
        j -= 1
    last_word = next((t for t in texts[i - 1 : j : -1] if not t.isspace()), "")
    return normalise(last_word) in CLOSINGS


CONTACT_VERBS = frozenset(["ring", "ringe", "sms", "sms'e", "skriv", "skrive", "mail", "maile", "send",
                           "sende", "henvend", "henvende", "kontakt", "kontakte", "sig", "sige",
                           "besked", "aflever", "aflevere", "afleveres", "book", "booke", "bestil",
                           "samtale"])  # fmt: skip
"""'Ring til Birgit', 'sig det til Kirsten', 'giv besked til Bo', 'book en samtale hos mig': the name
after 'til' or 'hos' is whom the reader answers ('tal med Ida om hendes astma' speaks of Ida)."""
CONTACT_REACH = 3
"""How many words back from 'til' the contact verb may stand ('sig det lige til Kirsten')."""
DIRECT_CONTACT_VERBS = frozenset(["ring", "sms", "mail", "maile", "kontakt", "kontakte"])
"""'Kontakt Birgit', 'ring Bo op': the name is the contact without 'til' ('send Ida hjem' is no contact)."""
TALK_VERBS = frozenset(["tal", "tale", "taler", "snak", "snakke", "snakker", "talk", "speak"])
"""'Børn og forældre kan tale med mig om skilsmisse': the writer offers to listen; 'hun har talt med mig
om sin angst' still has 'hun'."""
CONTACT_LABELS = ("kontaktperson", "contact")
"""A label before a colon that makes the name after it whom to call, not whom the mail is about."""
KIN_WORDS = frozenset(["mor", "far", "forældre", "familie", "bror", "søster", "lærer", "kontaktlærer"])


def names_the_contact(texts: list[str], offset: int) -> bool:
    """The name (or "mig") at ``offset`` is the mail's contact ('Ring eller sms til Birgit', 'kontakt
    Bo', 'sig det til Kirsten eller mig', 'tal med mig om det'), not its subject; 'ring til Emils mor'
    still speaks of Emil."""
    at = offset - 1
    if at > 0 and texts[at].lower() in ("eller", "og"):  # "sig det til Kirsten eller mig"
        at = next((i for i in range(at - 1, max(-1, at - 4), -1) if texts[i].lower() == "til"), -1)
        if at < 0:
            return False
    previous = texts[at].lower() if at >= 0 else ""
    if previous == ":":  # "Kontaktperson på turen: Rasmus Egelund, 2091 4473"
        label = [t.lower() for t in texts[max(0, at - CONTACT_REACH - 1) : at] if not t.isspace()]
        return any(word.startswith(CONTACT_LABELS) for word in label[-CONTACT_REACH - 1 :])
    if previous == "med" and texts[offset].lower() == "mig":  # "I kan tale med mig om skilsmisse"
        before = [t.lower() for t in texts[max(0, at - 2 * CONTACT_REACH - 1) : at] if not t.isspace()]
        return any(w in TALK_VERBS for w in before[-CONTACT_REACH:])
    if previous in ("til", "hos"):  # "book en samtale hos mig", "ring til Birgit"
        before = texts[max(0, at - 2 * CONTACT_REACH - 1) : at]
        words = [t.lower() for t in before if not t.isspace()]
        if not any(w in CONTACT_VERBS for w in words[-CONTACT_REACH:]):
            return False
    elif previous not in DIRECT_CONTACT_VERBS:
        return False  # most names: asked per token of every window, so the cheap test comes first
    following = texts[offset + 1].lower() if offset + 1 < len(texts) else ""
    return following not in KIN_WORDS and not texts[offset].endswith("s")


VOCATIVE_VERBS = frozenset(["kan", "vil", "må", "gider", "husk", "could", "can", "would", "will", "please"])
"""'Ingrid, kan du tjekke bussen?', 'Ingrid – could you check the bus?': the name calls on the reader."""


def calls_on_reader(texts: list[str], offset: int) -> bool:
    """The name at ``offset`` opens a request to the reader ('Ingrid, kan du ...'), not its subject."""
    following = [t for t in texts[offset + 1 : offset + 6] if not t.isspace()]
    return len(following) >= 2 and following[0] in (",", "–", "-") and following[1].lower() in VOCATIVE_VERBS


CONTACT_MARKS = ("tlf", "mobil", "telefon", "phone", "@", "lokal", "mail", "www.")
"""A line of a signature block: how to reach the writer."""
CONTACT_LETTERS = frozenset(["t", "m", "e", "d", "p", "tel"])
"""'T: 3211 4872', 'M: 2233 4455', 'E: ...': a one-letter label and a colon open a contact line."""
PHONE_DIGITS = 8


def contact_line(line: list[str]) -> bool:
    """A line of a signature block that tells how to reach the writer: a phone, a mail, a web address."""
    if any(mark in word.lower() for mark in CONTACT_MARKS for word in line):
        return True
    if len(line) >= 2 and line[0].lower() in CONTACT_LETTERS and line[1] == ":":
        return True
    digits = sum(ch.isdigit() for word in line for ch in word)  # "+45 28 44 19 06" alone on its line
    return digits >= PHONE_DIGITS and all(
        word.isdigit() or word in ("+", "+45", "-", "(", ")") for word in line
    )


NAME_LINE_WORDS = 3
SIGNATURE_DELIMITERS = ("--", "__", "—", "–")
"""'-- ' opens the footer under a mail's own text (RFC 3676), as do a rule of underscores or a dash."""


def bare_signature(texts: list[str], offset: int, ends_text: bool = False) -> bool:
    """The name at ``offset`` opens a signature block with no closing line above it: after a blank
    line, a short name line, then at most a few short lines with a way to reach the writer ("Dorthe
    Rask / Testkoordinator (nationale test) / Lokal 112 - tlf. 76 16 42 12"), then the text's end; or,
    when ``texts`` ends where the analysed text ends, a name over a team ("Dagny Holt / Idrætslinjen")."""
    start = offset
    while start > 0 and texts[start - 1][:1].isupper() and texts[start - 1].isalpha():
        start -= 1  # back to the first name of "Dorthe Rask"
    before = next((t for t in texts[start - 1 :: -1] if not t.isspace() or "\n" in t), "") if start else ""
    if "\n\n" not in before:
        return False
    lines: list[list[str]] = [[]]
    at_end = ends_text  # the block runs to the end of the text (``texts`` ends there), not to a break
    after: list[str] = []  # the words after a blank line that ends the block
    for i, text in enumerate(texts[start:], start):
        if text == WINDOW_BREAK or "\n\n" in text:
            at_end = False
            after = [t for t in texts[i + 1 : i + 3] if not t.isspace()] if text != WINDOW_BREAK else []
            break
        if "\n" in text:
            lines.append([])
        elif not text.isspace():
            lines[-1].append(text)
    lines = [line for line in lines if line]
    if len(lines) == 1 and len(lines[0]) <= NAME_LINE_WORDS and all(w.isalpha() for w in lines[0]):
        # "Kenneth" alone, then the text's end or a footer's "--": the writer's first name signs the mail
        return at_end or "".join(after).startswith(SIGNATURE_DELIMITERS)
    if not 2 <= len(lines) <= SIGNATURE_LINES + 1 or len(lines[0]) > 5:
        return False
    if any(len(line) > SIGNATURE_LINE_WORDS + 4 for line in lines):
        return False
    if any(contact_line(line) for line in lines[1:]):
        return True
    # "Dagny Holt / Idrætslinjen" at the very end: a name over a team or a title, no sentence
    return (
        at_end
        and len(lines) == 2
        and len(lines[1]) <= 4
        and lines[1][0][:1].isupper()
        and "." not in lines[1]
    )
