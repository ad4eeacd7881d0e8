"""Scan speed: Danish text of 1/10/100 KB (with and without hits), corpus mix -> median ms per message.

Runs the detector (candidates, windows, Presidio on windows, classification) next to Presidio's
default path on the same text: the whole text through the NLP pipeline, a deny-list recognizer per
category and the lemma context enhancer. Times are CPU time of this thread (the machine is shared,
wall time is noisy; its median is shown beside); one core, one process. The worker's RSS is
measured in a fresh process that holds only the detector, after scanning the corpus.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detectors.classify import classify  # noqa: E402
from detectors.cpr import PATTERN  # noqa: E402
from detectors.engine import Detector, PreloadedSpacyNlpEngine, shared_detector  # noqa: E402
from detectors.nlp import LANGUAGE  # noqa: E402
from detectors.settings import DetectorSettings  # noqa: E402
from gateway.types import TextPart  # noqa: E402

NEUTRAL = [
    "Klassen tager på tur til skoven på torsdag, så husk madpakke, drikkedunk og regntøj.",
    "Bussen kører fra parkeringspladsen klokken otte og er tilbage ved skolen ved middagstid.",
    "I næste måned begynder vi på et nyt emne om vikingerne og deres rejser over havet.",
    "Biblioteket har fået nye bøger om dyr, rummet og opfindelser, som eleverne kan låne.",
    "Forældrerådet mødes i kantinen onsdag aften, og der bliver serveret kaffe og kage.",
    "Husk at aflevere de lånte computere inden sommerferien, så de kan blive opdateret.",
    "Vi har plantet krydderurter i skolehaven, og de første radiser kan høstes i juni.",
    "Idrætsdagen holdes på stadion, hvor der er stafet, længdespring og boldspil for alle.",
    "Skolebestyrelsen takker for de mange gode forslag til den nye legeplads ved indgangen.",
    "Elevrådet arrangerer en fest i gymnastiksalen med musik, konkurrencer og popcorn.",
]
HITS = [
    "Freja Holm (3.A) har astma og fik et astmaanfald i frikvarteret; CPR-nr. 150315-8114.",
    "Mikkel i 6.A er blevet mobbet og mistrives, hans mor er bekymret.",
    "Sofie fik 7 i dansk og 10 i matematik i standpunktskarakterer.",
]


def text_of(size: int, hits: bool) -> str:
    """About ``size`` bytes of Danish text; with hits, one sensitive line per ~3 KB."""
    lines: list[str] = []
    total = i = 0
    while total < size:
        line = HITS[i % len(HITS)] if hits and i % 20 == 5 else NEUTRAL[i % len(NEUTRAL)]
        lines.append(line)
        total += len(line.encode()) + 1
        i += 1
    return "\n".join(lines)


def full_lemmatizer_pipeline() -> Any:
    """What Presidio users would build: blank Danish with the whole lookup table."""
    import spacy

    nlp = spacy.blank(LANGUAGE)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def presidio_default(settings: DetectorSettings, detector: Detector) -> Callable[[str], object]:
    """Presidio's own path on the same terms: deny lists, whole-text NLP, lemma context enhancer."""
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry

    recognizers = [
        PatternRecognizer("CPR", patterns=[Pattern("cpr", PATTERN.pattern, 0.6)], supported_language="da")
    ]
    for name, term_list in detector.lexicon.lists.items():
        words = sorted({t.text for t in term_list.terms})
        recognizers.append(
            PatternRecognizer(name, deny_list=words, supported_language="da", context=["eleven"])
        )
    engine = AnalyzerEngine(
        registry=RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE]),
        nlp_engine=PreloadedSpacyNlpEngine(full_lemmatizer_pipeline()),
        supported_languages=[LANGUAGE],
    )
    return lambda text: engine.analyze(text, language=LANGUAGE)


def median_ms(func: Callable[[], object], runs: int) -> float:
    return timed_ms(func, runs)[0]


def timed_ms(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median CPU time of this thread and median wall time, in ms, after one uncounted run."""
    func()
    cpu, wall = [], []
    for _ in range(runs):
        started, started_wall = time.thread_time(), time.perf_counter()
        func()
        cpu.append((time.thread_time() - started) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def corpus_parts(folder: Path) -> list[list[TextPart]]:
    from gateway.config import Settings
    from gateway.mime.extract import extract_text

    extraction = Settings().extraction
    return [list(extract_text(p.read_bytes(), extraction).parts) for p in sorted(folder.glob("*.eml"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus/messages"))
    parser.add_argument("--worker-rss", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_rss:
        return worker_rss(args.worker_rss)
    settings = DetectorSettings()
    started = time.perf_counter()
    detector = shared_detector(settings)
    print(f"detector built in {time.perf_counter() - started:.2f} s (once per worker process)")
    presidio = presidio_default(settings, detector)

    def ours(text: str) -> Callable[[], object]:
        return lambda: classify(detector.analyze([TextPart(text, "body")]), settings)

    print(
        f"{'text':>16} {'mailvagt ms':>12} {'per 10 KB':>10} {'wall ms':>8} {'presidio default ms':>20}"
        f" {'findings':>9}"
    )
    for size in (1_000, 10_000, 100_000):
        for hits in (False, True):
            text = text_of(size, hits)
            found = len(detector.analyze([TextPart(text, "body")]))
            runs = args.runs if size < 100_000 else max(5, args.runs // 3)
            ms, wall_ms = timed_ms(ours(text), runs)
            default_ms = median_ms(lambda t=text: presidio(t), max(3, runs // 3))  # type: ignore[misc]
            label = f"{size // 1000} KB {'hits' if hits else 'no hits'}"
            print(
                f"{label:>16} {ms:12.2f} {ms * 10_000 / size:10.2f} {wall_ms:8.2f} {default_ms:20.2f}"
                f" {found:9d}"
            )
    if args.corpus.is_dir():
        messages = corpus_parts(args.corpus)
        ms_each = [median_ms(lambda m=m: classify(detector.analyze(m), settings), 3) for m in messages]  # type: ignore[misc]
        kb = statistics.median(sum(len(p.text) for p in m) / 1000 for m in messages)
        p95 = sorted(ms_each)[int(len(ms_each) * 0.95)]
        print(
            f"corpus mix: {len(messages)} messages (median {kb:.1f} KB of text):"
            f" median {statistics.median(ms_each):.2f} ms, p95 {p95:.2f} ms, max {max(ms_each):.2f} ms"
        )
        worker = subprocess.run(
            [sys.executable, __file__, "--worker-rss", str(args.corpus)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        print(worker.stdout.strip() or worker.stderr.strip()[-500:])
    return 0


def peak_rss_mb() -> float:
    """VmHWM of this process: unlike ru_maxrss it is not inherited from the parent across fork+exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_rss(folder: Path) -> int:
    """A process like a gateway scan worker: build the detector, scan every corpus message, report RSS."""
    settings = DetectorSettings()
    detector = shared_detector(settings)
    for parts in corpus_parts(folder):
        classify(detector.analyze(parts), settings)
    print(f"scan worker peak RSS (detector built, corpus scanned): {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
