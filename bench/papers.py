"""How long one paper takes to lay out as a PDF, per kind and language (target: < 200 ms).

Renders every kind of `flows.paper.KINDS` from the sample facts of the tests, a few times
after a warm-up (the first paper also loads the fonts and the locales), and prints the median
and the slowest time in milliseconds, with the file's size. With `--preview DIR` it also
writes each page as a PNG, `<kind>-<lang>-<page>.png`, to look at.

    python bench/papers.py [--runs 10] [--preview /tmp/papers-preview]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

import papers
from flows.paper import APPLICATION, KINDS
from tests.papers.samples import facts

LANGUAGES = ("kk", "ru", "en")


def preview(folder: Path) -> None:
    import pypdfium2  # type: ignore[import-untyped]

    folder.mkdir(parents=True, exist_ok=True)
    cases = [(kind, facts(kind), kind) for kind in KINDS]
    cases.append((APPLICATION, facts(APPLICATION, service="interview"),
                  f"{APPLICATION}-service2"))
    for _kind, paper, name in cases:
        for language in LANGUAGES:
            for stale in folder.glob(f"{name}-{language}-*.png"):  # an earlier, longer run
                stale.unlink()
            document = pypdfium2.PdfDocument(papers.render(paper, language))
            for index in range(len(document)):
                image = document[index].render(scale=1.4).to_pil()
                image.save(folder / f"{name}-{language}-{index + 1}.png")
            document.close()
    print(f"pages written to {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--preview", type=Path, default=None)
    args = parser.parse_args()

    started = time.perf_counter()
    papers.render(facts(APPLICATION), "kk")  # fonts, locales, caches
    print(f"first paper (loads fonts and locales): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    print(f"{'kind':42} {'lang':4} {'median ms':>9} {'max ms':>7} {'KB':>5}")
    for kind in KINDS:
        paper = facts(kind)
        for language in LANGUAGES:
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                data = papers.render(paper, language)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{kind:42} {language:4} {statistics.median(times):9.1f} "
                  f"{max(times):7.1f} {len(data) / 1024:5.0f}")
    if args.preview is not None:
        preview(args.preview)


if __name__ == "__main__":
    main()
