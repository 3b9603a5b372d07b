"""Benchmarks for the privacy scans (issue 10 §8): `nationalid.find` and the case-file text scan
over 10,000 typical case texts (the shipped examples, whose dates and times are the digits a scan
must pass over), and a NameIndex of 30,000 names checking a message.

Run: .venv/bin/python tests/bench/bench_disguises.py [--cases N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import PROJECT

from bti import nationalid
from bti.names import NameIndex
from bti.rules.privacy import ids_in_case_text


def best(runs: int, work: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    examples = [p.read_text("utf-8") for p in sorted((PROJECT / "cases").glob("*.yaml"))]
    texts = [examples[i % len(examples)] for i in range(args.cases)]
    size = sum(map(len, texts)) / 1e6
    took = best(3, lambda: [list(nationalid.find(t)) for t in texts])
    print(
        f"nationalid.find over {args.cases} case texts ({size:.1f} MB): {took * 1000:.0f} ms, "
        f"{args.cases / took:,.0f} texts/s, {took / args.cases * 1e6:.1f} µs per text"
    )
    took = best(3, lambda: [ids_in_case_text(t, None) for t in texts])
    print(f"ids_in_case_text over the same: {took * 1000:.0f} ms")
    plain = ["Samtale med mor om trivsel i klassen. " * 5] * args.cases
    took = best(3, lambda: [list(nationalid.find(t)) for t in plain])
    print(f"nationalid.find over {args.cases} texts without digits: {took * 1000:.0f} ms")
    nid = nationalid.make_synthetic(__import__("datetime").date(2015, 3, 2), 101) or ""
    hidden = [t + f"  # fnr {nid[:4]}\u200b{nid[4:6]}. {nid[6:]}\n" for t in texts]
    took = best(3, lambda: [list(nationalid.find(t)) for t in hidden])
    print(f"nationalid.find over {args.cases} case texts each hiding an id: {took * 1000:.0f} ms")
    syllables = ["ka", "ri", "ol", "se", "mi", "ta", "no", "vi", "lu", "de", "ha", "jo", "å", "ø"]
    names = [
        f"{syllables[i % 14]}{syllables[i // 14 % 14]}{syllables[i // 196 % 14]} "
        f"{syllables[i // 7 % 14]}{syllables[i // 98 % 14]}{syllables[i % 13]}sen"
        for i in range(30_000)
    ]
    start = time.perf_counter()
    index = NameIndex.build(names)
    built = time.perf_counter() - start
    message = "2026-7KQ3M: entry added\n\nSamtale med mor om oppfølging etter møtet i går.\n"
    took = best(5, lambda: [index.find(message) for _ in range(1000)]) / 1000
    print(
        f"NameIndex of 30,000 names: built in {built * 1000:.0f} ms; a message checked in "
        f"{took * 1e6:.0f} µs"
    )


if __name__ == "__main__":
    main()
