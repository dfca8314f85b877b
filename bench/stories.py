"""Story events on a real build: how many event mentions one story event gathers when outlets repeat the news.

Makes ``--docs`` documents from the dev articles (read at run time from ``--corpus``, never copied into
the repository): each article once as published, then paraphrased copies as other outlets would run
them (paragraphs dropped or reordered, common reporting verbs swapped, published 0 to 3 days later,
under another outlet's URL). Runs ``kg build`` on them and prints mentions, story events and their
ratio, with the ratio a grouping by the truth would reach, and the precision and recall of pairing: the
truth puts two mentions in one story event when they come from copies of one article and have the same
story key (source, target, class family). ``kg build`` stores exact copies once, so the copies of an
article number fewer than ``docs / articles``.

    python bench/stories.py                      # 500 documents
    python bench/stories.py --docs 100 --keep /tmp/stories-bench
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.store import KnowledgeGraph  # noqa: E402

KG = str(Path(sys.executable).parent / "kg")
SWAPS = [(r"\bsaid\b", "stated"), (r"\btold reporters\b", "told journalists"), (r"\bannounced\b", "declared"),
         (r"\bofficials\b", "authorities")]


def paraphrase(text: str, rng: random.Random) -> str:
    """Another outlet's version: some paragraphs dropped (never all), the rest possibly reordered, verbs swapped."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    kept = [p for p in paragraphs if rng.random() < 0.8] or paragraphs[:1]
    if rng.random() < 0.5 and len(kept) > 2:
        body = kept[1:]
        rng.shuffle(body)
        kept = kept[:1] + body
    out = "\n\n".join(kept)
    for pattern, repl in SWAPS:
        if rng.random() < 0.5:
            out = re.sub(pattern, repl, out)
    return out


def corpus(articles: list[dict], n: int, seed: int = 17) -> list[dict]:
    """``n`` documents: every article, then paraphrased copies in turn."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        a = articles[i % len(articles)]
        copy = i // len(articles)
        published = a.get("date")
        if copy and published:
            published = (date.fromisoformat(published) + timedelta(days=rng.randint(0, 3))).isoformat()
        docs.append({"id": f"{a['id']}-{copy:03d}", "url": f"https://outlet{copy:03d}.example/{a['id']}",
                     "date": published, "text": a["text"] if copy == 0 else paraphrase(a["text"], rng)})
    return docs


def _groups(pairs) -> list[set[str]]:
    """The sets of mentions that share a group, from (group, mention) pairs."""
    groups: dict[object, set[str]] = {}
    for group, e in pairs:
        groups.setdefault(group, set()).add(e)
    return list(groups.values())


def pairing(found: list[set[str]], truth: list[set[str]]) -> tuple[float, float]:
    """Precision and recall of 'these two mentions report one event' over all pairs of mentions.

    >>> pairing([{"a", "b"}, {"c"}], [{"a", "b", "c"}])
    (1.0, 0.3333333333333333)
    """
    def pairs(groups: list[set[str]]) -> set[frozenset[str]]:
        return {frozenset(p) for g in groups for p in itertools.combinations(sorted(g), 2)}

    same, true = pairs(found), pairs(truth)
    return (len(same & true) / len(same) if same else 1.0), (len(same & true) / len(true) if true else 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/eval/dev/news.jsonl"),
                    help="JSON Lines articles (read, never copied)")
    ap.add_argument("--keep", type=Path, help="keep the corpus and the store in this directory")
    args = ap.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"no corpus at {args.corpus}; give one with --corpus FILE.jsonl")
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-stories-"))
    work.mkdir(parents=True, exist_ok=True)
    articles = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    src = work / "corpus.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in corpus(articles, args.docs)), encoding="utf-8")
    store = work / "store"
    t0 = time.perf_counter()
    subprocess.run([KG, "build", str(src), "--store", str(store), "--quiet", "--workers", "2"], check=True)
    seconds = time.perf_counter() - t0
    with KnowledgeGraph(store, read_only=True) as kg:
        rows = list(kg.select("SELECT ?e ?id ?key ?s WHERE { ?e a dipl:Event ; prov:wasDerivedFrom ?d ; "
                              "dipl:storyKey ?key . ?d dcterms:identifier ?id "
                              "OPTIONAL { GRAPH graph:stories { ?s dipl:hasReport ?e } } }"))
        docs = int(next(kg.select("SELECT (COUNT(?d) AS ?n) WHERE { ?d a dipl:Document }"))[0])
    found = _groups((story, e) for e, _, _, story in rows)
    truth = _groups(((ident.rsplit("-", 1)[0], key), e) for e, ident, key, _ in rows)
    precision, recall = pairing(found, truth)
    mentions = len(rows)
    reporters: dict[str, set[str]] = {}
    for _, ident, _, story in rows:
        reporters.setdefault(story, set()).add(ident)
    multi = sum(len(idents) > 1 for idents in reporters.values())
    print(f"{args.docs} documents ({len(articles)} articles, {docs} stored: exact copies once), built in {seconds:.0f} s")
    print(f"mentions {mentions:,}, story events {len(found):,}, ratio {mentions / max(len(found), 1):.2f} "
          f"(by the truth: {len(truth):,} story events, ratio {mentions / max(len(truth), 1):.2f}); "
          f"story events reported by more than one document: {multi:,}")
    print(f"pairing: precision {precision:.3f}, recall {recall:.3f}")


if __name__ == "__main__":
    main()
