"""Throughput of scoring vs bare underthesea word_tokenize on the same texts (mentions/s/core).

Run: PYTHONPATH=include .venv/bin/python bench/score.py [--repeat 20] [--rounds 5]
Texts: data/telecom/eval.jsonl repeated, all of them and those about a brand (the others skip word
segmentation); single process, so figures are per core. Scoring is timed the way ``smcc score``
and the pipeline call it, in batches of ``scorer.BATCH`` (``Scorer.score_records``), and one
item at a time for comparison. The steps alternate for several rounds and the best round of each
counts; time is this process's CPU time, so other work on a busy machine skews the figures less.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from underthesea import word_tokenize

from smcc.nlp import Scorer
from smcc.nlp.scorer import BATCH
from smcc.settings import REPO_ROOT


def rate(fn: Callable[[list[dict]], object], items: list[dict], batch: int) -> float:
    start = time.process_time()
    for first in range(0, len(items), batch):
        fn(items[first:first + batch])
    return len(items) / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = [json.loads(line) for line in (REPO_ROOT / "data/telecom/eval.jsonl").read_text(encoding="utf-8").splitlines()]
    scorer = Scorer.load()
    scorer.score(rows[0])  # load models outside the timed loop
    # Texts about no configured brand skip word segmentation, so they are also shown apart.
    about_a_brand = [r for r in rows if any(s.relevant for s in scorer.score(r))]
    print(f"{'texts':<24}{'step':<36}{'mentions/s/core':>16}")
    ratios = []
    for name, texts in (("all", rows), ("about a brand", about_a_brand)):
        items = texts * args.repeat
        bare, batched, single = 0.0, 0.0, 0.0
        for _ in range(args.rounds):
            bare = max(bare, rate(lambda chunk: [word_tokenize(item["text"]) for item in chunk], items, 1))
            batched = max(batched, rate(scorer.score_records, items, BATCH))
            single = max(single, rate(scorer.score_records, items, 1))
        print(f"{name + f' ({len(items)})':<24}{'underthesea word_tokenize':<36}{bare:>16.0f}")
        print(f"{'':<24}{f'Scorer.score_records, batches of {BATCH}':<36}{batched:>16.0f}")
        print(f"{'':<24}{'Scorer.score_records, one at a time':<36}{single:>16.0f}")
        ratios.append((batched / bare, single / bare))
    print(f"summary: scoring in batches keeps {ratios[0][0]:.0%} of bare word_tokenize throughput on all "
          f"{len(rows)} texts x {args.repeat} (target >= 60%; {ratios[0][1]:.0%} one at a time), "
          f"{ratios[1][0]:.0%} on the {len(about_a_brand)} about a brand ({ratios[1][1]:.0%} one at a time)")


if __name__ == "__main__":
    main()
