"""A generated case repository for the benchmarks: many realistic cases, committed in git."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "ingrid.lerer@fjordvik.example",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "ingrid.lerer@fjordvik.example",
}


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True, text=True, input=input
    ).stdout


SERVER_KEY = PROJECT / "examples" / "keys" / "server"  # the demo server's key opens every example


def _variants() -> list[tuple[str, dict[str, Any], list[str]]]:
    """The shipped examples (sealed), opened with the demo server's key: (id, the plain case as
    a mapping, whom it is sealed for)."""
    from bti import sealing
    from bti.checks import parse_case
    from bti.store import dump

    ring = sealing.Keyring()
    ring.add(*sealing.load_identity(SERVER_KEY))
    sealing.use(ring)
    found = []
    try:
        for path in sorted((PROJECT / "cases").glob("*.yaml")):
            parsed = parse_case(path.read_bytes(), f"cases/{path.name}")
            assert parsed.case is not None and parsed.readable, path
            plain = dump(parsed.case)
            sealed = plain.pop("sealed")
            found.append((parsed.case.id, plain, list(sealed["readers"])))
    finally:
        sealing.use(None)
    return found


def _plain_text(plain: dict[str, Any]) -> str:
    from bti import yamlio
    from bti.store import schema_header

    return yamlio.rt_dump(yamlio.to_node(plain), header=schema_header("case", depth=1))


def settings_text(*, sealed: bool) -> str:
    """The project's bti.yaml, with sealing on (its demo server key) or off."""
    text = (PROJECT / "bti.yaml").read_text("utf-8")
    if not sealed:
        text = re.sub(r"^(sealing|server_key):.*\n", "", text, flags=re.M)
    return text


def make_repository(root: Path, count: int, *, sealed: bool = False) -> Path:
    """`count` case files made from the shipped examples (new ids), in one commit: plain, or
    sealed for the same readers as the example each is made from."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "bti.yaml").write_text(settings_text(sealed=sealed), "utf-8")
    shutil.copy(PROJECT / "people.yaml", root / "people.yaml")
    cases = root / "cases"
    cases.mkdir()
    variants = _variants()
    texts = [(case_id, _plain_text(plain)) for case_id, plain, _ in variants]
    keys = _reader_keys() if sealed else {}
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for i in range(count):
        n, code = i, ""
        for _ in range(5):
            code += alphabet[n % 32]
            n //= 32
        case_id = f"2026-{code}"
        source_id, text = texts[i % len(texts)]
        if sealed:
            _, plain, readers = variants[i % len(variants)]
            text = _sealed_text({**plain, "id": case_id}, readers, keys)
        else:
            text = text.replace(source_id, case_id)
        (cases / f"{case_id}.yaml").write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-qm", f"{count} generated cases")
    return root


def _reader_keys() -> dict[str, str]:
    import yaml

    people = yaml.safe_load((PROJECT / "people.yaml").read_text("utf-8"))["people"]
    keys = {p["email"]: p["key"] for p in people if p.get("key")}
    keys["server"] = (SERVER_KEY.parent / "server.pub").read_text("utf-8").strip()
    return keys


def _sealed_text(plain: dict[str, Any], readers: list[str], keys: dict[str, str]) -> str:
    """A case sealed as bti seals it: a new data key, every value sealed, the key wrapped."""
    import yaml

    from bti import sealing

    data_key = sealing.new_data_key()
    wrapped = sealing.wrap(data_key, [keys[r] for r in readers])
    sealed = sealing.with_block(sealing.seal_tree(plain, data_key), readers, wrapped)
    body = yaml.dump(
        sealed, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=10**9
    )
    return "# yaml-language-server: $schema=../schemas/case.schema.json\n" + body


def lines_per_case() -> float:
    texts = [_plain_text(plain) for _, plain, _ in _variants()]
    return sum(len(t.splitlines()) for t in texts) / len(texts)
