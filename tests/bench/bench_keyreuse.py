"""Benchmark for BTI047 (a case sealed with another case's data key): the server's pre-receive
over a push of N commits on a sealed repository of M cases, with the check and without it, for
commits that keep their cases' keys (log entries appended) and for commits that each bring a new
case (every one a lookup in the data-key index), with the index cold (first push) and warm.

Run: .venv/bin/python tests/bench/bench_keyreuse.py [--cases N] [--commits N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import PROJECT, SERVER_KEY, git, make_repository

WORK = PROJECT / "tests" / "bench" / "_work"


def _dump(data: dict[str, Any]) -> str:
    import yaml

    body = yaml.dump(
        data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=10**9
    )
    return "# yaml-language-server: $schema=../schemas/case.schema.json\n" + body


def _open(path: Path, ring: Any) -> tuple[dict[str, Any], Any]:
    import yaml

    from bti import sealing

    raw = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
    return sealing.open_case(raw, ring)


def _appends(repo: Path, commits: int, ring: Any) -> None:
    """`commits` commits, each a sealed log entry appended to an open skole case (key kept)."""
    import copy

    from bti import sealing

    targets = []
    for path in sorted((repo / "cases").iterdir()):
        plain, opened = _open(path, ring)
        if plain.get("status") == "open" and plain.get("owner_service") == "skole":
            targets.append(path)
        if len(targets) >= 50:
            break
    for n in range(commits):
        path = targets[n % len(targets)]
        plain, opened = _open(path, ring)
        new = copy.deepcopy(plain)
        new.pop("sealed", None)
        new.setdefault("log", []).append(
            {
                "time": f"2026-11-02T10:{(n // 60) % 60:02d}:{n % 60:02d}+01:00",
                "author": "ingrid.lerer@fjordvik.example",
                "kind": "note",
                "text": f"Oppfølging nr. {n}.",
            }
        )
        sealed = sealing.seal_tree(new, opened.data_key, before=opened)
        path.write_text(_dump(sealing.with_block(sealed, opened.readers, opened.wrapped)))
        git(repo, "commit", "-q", "--no-verify", "-am", f"{path.stem}: entry added")


def _new_cases(repo: Path, commits: int, ring: Any) -> None:
    """`commits` commits, each a new case: a copy of an existing one under a new id, a fresh key."""
    import copy

    from bti import sealing

    for source in sorted((repo / "cases").iterdir()):
        plain, opened = _open(source, ring)
        if plain.get("holder") == "ingrid.lerer@fjordvik.example" and plain.get("status") == "open":
            break
    keys = _keys_of(opened, ring)
    for n in range(commits):
        alphabet, code, rest = "0123456789ABCDEFGHJKMNPQRSTVWXYZ", "Z", n
        for _ in range(4):
            code += alphabet[rest % 32]
            rest //= 32
        case_id = f"2026-{code}"
        new = copy.deepcopy(plain)
        new.pop("sealed", None)
        new["id"] = case_id
        key = sealing.new_data_key()
        sealed = sealing.seal_tree(new, key)
        wrapped = sealing.wrap(key, keys)
        (repo / "cases" / f"{case_id}.yaml").write_text(
            _dump(sealing.with_block(sealed, opened.readers, wrapped))
        )
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--no-verify", "-m", "new case")


def _keys_of(opened: Any, ring: Any) -> list[str]:
    import yaml

    people = yaml.safe_load((PROJECT / "people.yaml").read_text("utf-8"))["people"]
    keys = {p["email"]: p["key"] for p in people if p.get("key")}
    keys["server"] = (SERVER_KEY.parent / "server.pub").read_text("utf-8").strip()
    return [keys[r] for r in opened.readers]


def _hook(server: Path, old: str, new: str, *, check: bool) -> tuple[float, list[str]]:
    """pre-receive over old..new in process (the objects fetched into the server first)."""
    from bti import hooks, replay, sealing

    saved = replay.Judge._key_shared
    if not check:
        replay.Judge._key_shared = lambda self, *a, **k: []  # type: ignore[method-assign]
    try:
        sealing.use(None)
        start = time.perf_counter()
        result = hooks.pre_receive(server, [f"{old} {new} refs/heads/main"])
        took = time.perf_counter() - start
    finally:
        replay.Judge._key_shared = saved  # type: ignore[method-assign]
    return took, result.lines


def run(cases: int, commits: int, kind: str, build: Callable[[Path, int, Any], None]) -> None:
    from bti import sealing

    ring = sealing.Keyring()
    ring.add(*sealing.load_identity(SERVER_KEY))
    repo = make_repository(WORK / f"keyreuse-{kind}", cases, sealed=True)
    server = WORK / f"keyreuse-{kind}.git"
    shutil.rmtree(server, ignore_errors=True)
    git(WORK, "init", "-q", "--bare", "-b", "main", str(server))
    git(repo, "push", "-q", str(server), "main")
    git(server, "config", "bti.sealkey", str(SERVER_KEY))
    old = git(repo, "rev-parse", "HEAD").strip()
    build(repo, commits, ring)
    new = git(repo, "rev-parse", "HEAD").strip()
    git(server, "fetch", "-q", str(repo), f"main:refs/bench/{kind}")
    git(server, "update-ref", "-d", f"refs/bench/{kind}")  # the objects stay, no ref knows them
    index = server / "bti" / "data-keys.json"
    results = []
    for label, check, cold in [
        ("warm-up (imports), without the check", False, True),
        ("without the check", False, True),
        ("with the check, cold index", True, True),
        ("with the check, warm index", True, False),
    ]:
        if cold:
            index.unlink(missing_ok=True)
        took, lines = _hook(server, old, new, check=check)
        errors = [line for line in lines if " error" in line]
        shared = sum("BTI047" in line for line in errors)
        results.append(f"  {label}: {took:.2f} s ({len(errors)} errors, {shared} BTI047)")
        if errors:
            results.append("    " + errors[0][:200])
    print(f"pre-receive, sealed repository of {cases} cases, push of {commits} commits ({kind}):")
    print("\n".join(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--commits", type=int, default=1_000)
    args = parser.parse_args()
    run(args.cases, args.commits, "appends", _appends)
    run(args.cases, args.commits, "new-cases", _new_cases)


if __name__ == "__main__":
    main()
