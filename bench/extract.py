"""Throughput of kg against bare spaCy, and of --workers 2 against --workers 1.

A corpus of N articles (default 2,000) is assembled from the sentences of
examples/*.txt (seeded, so every run parses the same text) and written as a
JSON Lines file. Then, in one run:

1. bare spaCy: ``nlp.pipe`` over the paragraphs kg parses, with the pipeline kg
   loads (same model, same components, same batches);
2. kg extraction: ``Extractor.extract_many`` (every kg stage) with that same
   loaded pipeline, over the same documents;
3. ``kg.build.build(workers=1)`` and ``build(workers=2)`` into fresh stores
   (reading, hash check, extraction, RDF, batched store writes).

Prints words/s of each, the ratios, and the peak RSS of each worker process.

    .venv/bin/python bench/extract.py                 # 2,000 articles
    .venv/bin/python bench/extract.py --quick         # 150 articles, a smoke run
    .venv/bin/python bench/extract.py --articles 500 --workers 2 --skip-build
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FALLBACK = [  # used only when examples/ has no article
    "France and Germany signed a trade agreement in Berlin on Monday.",
    "Russia accused Ukraine of shelling the power plant.",
    "The United Nations called for a ceasefire in Gaza.",
    "Iran rejected the proposal from the European Union.",
    "China and India agreed to hold talks on the border dispute.",
    "The Prime Minister of Japan met President Joe Biden in Washington.",
]


def sentences() -> list[str]:
    found: list[str] = []
    for path in sorted((ROOT / "examples").glob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n\n")[1:]:  # skip the headline
            found += [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", para.strip()) if len(s.split()) >= 5]
    return found or FALLBACK


def make_corpus(path: Path, articles: int, seed: int = 7) -> int:
    """Write ``articles`` JSON lines of 4-6 paragraphs of 2-4 sentences each; return the word count."""
    pool = sentences()
    rng = random.Random(seed)
    words = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(articles):
            paras = [" ".join(rng.choice(pool) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 6))]
            text = f"Diplomatic report number {i} on talks and agreements between states\n\n" + "\n\n".join(paras)
            words += len(text.split())
            fh.write(json.dumps({"text": text, "url": f"https://example.org/bench/{i}",
                                 "title": f"Report {i}", "date": "2024-03-0{}".format(1 + i % 9)}) + "\n")
    return words


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--quick", action="store_true", help="150 articles: a smoke run of a minute or two")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2, help="runs of each extraction measurement; the best counts")
    ap.add_argument("--skip-build", action="store_true", help="only compare extraction with bare spaCy")
    ap.add_argument("--skip-extract", action="store_true", help="only compare the builds")
    ap.add_argument("--profile", metavar="HTML", help="profile kg's extraction with pyinstrument, write HTML here")
    args = ap.parse_args(argv)
    n = 150 if args.quick else args.articles

    from kg.build import build
    from kg.extract import Extractor, batches
    from kg.ingest import read_documents, segments

    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    corpus = work / "corpus.jsonl"
    total_words = make_corpus(corpus, n)
    docs = [d for d in read_documents([corpus])]
    para_words = sum(len(t.split()) for d in docs for _, t in segments(d))
    print(f"corpus: {n} articles, {total_words:,} words ({para_words:,} in parsed paragraphs), {corpus}")

    if not args.skip_extract:
        ex = Extractor()
        nlp = ex.nlp
        texts = [t for d in docs for _, t in segments(d)]
        warm = docs[:10]
        list(ex.extract_many(warm))  # lazily loaded pieces (dateparser, caches) load before timing

        # CPU time of this process (time.process_time) is the measure: on a shared machine the wall
        # clock also counts other people's processes; wall seconds are printed beside it.
        def bare() -> tuple[float, float]:
            t0, c0 = time.perf_counter(), time.process_time()
            for batch in batches(texts):
                for _ in nlp.pipe(batch, batch_size=len(batch)):
                    pass
            return time.process_time() - c0, time.perf_counter() - t0

        def kg_stages() -> tuple[float, float]:
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in ex.extract_many(docs):
                pass
            return time.process_time() - c0, time.perf_counter() - t0

        # alternate, so that neither side profits from a warmer cache or a quieter machine
        print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
        runs_bare, runs_kg = [], []
        for _ in range(args.repeat):
            runs_bare.append(bare())
            runs_kg.append(kg_stages())
        (t_bare, w_bare), (t_kg, w_kg) = min(runs_bare), min(runs_kg)
        print(f"bare spaCy   : {t_bare:7.1f} s CPU ({w_bare:.1f} s wall)  {para_words / t_bare:8,.0f} words/s "
              f"(best of {args.repeat})")
        print(f"kg extraction: {t_kg:7.1f} s CPU ({w_kg:.1f} s wall)  {para_words / t_kg:8,.0f} words/s "
              f"(best of {args.repeat})")
        print(f"ratio kg / bare spaCy time: {t_kg / t_bare:.3f}x CPU, {w_kg / w_bare:.3f}x wall  (goal <= 1.25x)")
        kg_components = [n for n in nlp.pipe_names if n.startswith("kg_")]
        with nlp.select_pipes(disable=kg_components):
            t_model = bare()[0]
        print(f"for reference, the model alone (without {', '.join(kg_components)}): {t_model:.1f} s, "
              f"{para_words / t_model:,.0f} words/s; kg's components and stages together: "
              f"{t_kg / t_model:.3f}x of it")
        print(f"peak RSS of this process (one pipeline, in-process): {peak_rss_mib():,.0f} MiB")
        if args.profile:
            from pyinstrument import Profiler

            prof = Profiler(interval=0.002)
            prof.start()
            kg_stages()
            prof.stop()
            Path(args.profile).write_text(prof.output_html())
            print(prof.output_text(unicode=False, color=False, show_all=False)[:6000])
        del ex, nlp

    if not args.skip_build:
        results = {}
        for workers in (1, args.workers):
            store = work / f"store-{workers}"
            load = os.getloadavg()[0]
            summary = build([str(corpus)], store=str(store), workers=workers)
            results[workers] = summary
            print(f"build --workers {workers}: {summary}  (load average before: {load:.2f})")
            print(f"   {summary.words / summary.seconds:8,.0f} words/s; peak RSS per worker process: "
                  + ", ".join(f"{r:,.0f} MiB" for r in summary.worker_peak_rss_mib))
        s1, s2 = results[1], results[args.workers]
        print(f"speed-up --workers {args.workers} vs --workers 1: {s1.seconds / s2.seconds:.2f}x  (goal >= 1.7x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
