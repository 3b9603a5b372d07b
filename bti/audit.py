"""`bti audit verify`: every commit replayed through the rules (the story of a case is in story.py).

It reads history in bulk (one `git diff-tree --stdin`, one `git cat-file --batch`) and parse each
file version once. `verify` remembers the commits it has judged, under .git/bti/, keyed by the rule
code: history never changes, so a commit judged once is never judged again.

Where cases are sealed, what it remembers is sealed to the person's own key (bti.caches) and kept
apart for each set of keys: a commit judged without a case's key was judged on its sealing only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bti import __version__, caches, gitrepo, sealing
from bti.checks import Parsed, messages_key
from bti.errors import InputError
from bti.i18n import _
from bti.replay import Judge, Landed
from bti.rules import Violation
from bti.rules.core import Severity

Progress = Callable[[int, int], None]
# Writing the newest versions costs about as much as parsing 500 of them again: worth it after a
# long run, not after every short one (a version that is not remembered is simply parsed).
TIPS_AFTER = 2_000
_CODE = Path(__file__).resolve().parent


def rules_digest() -> str:
    """Changes whenever the rules or the way files are read change: then everything is judged anew."""
    digest = hashlib.sha1(__version__.encode(), usedforsecurity=False)
    names = [
        "checks.py",
        "models.py",
        "replay.py",
        "layout.py",
        "shape.py",
        "merge.py",
        "mergefile.py",
        "nationalid.py",
        "yamlio.py",
        "yamlscan.py",
    ]
    for path in sorted([*_CODE.glob("rules/*.py"), *(_CODE / n for n in names)]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _commits(root: Path, since: str | None, until: str | None) -> list[str]:
    if not gitrepo.has_head(root):
        return []
    tip = until or "HEAD"
    for rev in [tip, *([since] if since else [])]:
        if (
            gitrepo.run(
                ["rev-parse", "-q", "--verify", f"{rev}^{{commit}}"], root, check=False
            ).returncode
            != 0
        ):
            raise InputError(
                _("'{rev}' is not a commit in this repository").format(rev=rev),
                hint=_("give a commit id, a branch or a tag"),
            )
    return gitrepo.new_commits(root, [tip], [since] if since else [])


# -- verify ----------------------------------------------------------------------------------


@dataclass
class Verification:
    landed: list[Landed] = field(default_factory=list)
    commits: int = 0
    judged: int = 0
    shallow: bool = False


class _Verified:
    """Judged commits, one line each: `sha` alone when clean, `sha<TAB>json` with its violations."""

    def __init__(self, root: Path) -> None:
        folder = gitrepo.git_dir(root)
        self.sealed = caches.sealed_repository(root)
        keys = f"-{sealing.ring_id() or 'nokey'}" if self.sealed else ""
        # The violations kept are said in one language: each language has its own file.
        words = hashlib.sha1(messages_key().encode(), usedforsecurity=False).hexdigest()[:8]
        self.digest = f"{rules_digest()}-{words}{keys}"
        self.path = folder / "bti" / f"verified-{self.digest}.txt" if folder else None
        self.known: dict[str, list[dict[str, object]]] = {}
        if self.path is not None and self.path.exists():
            with contextlib.suppress(OSError):
                for line in self.path.read_text("utf-8").splitlines():
                    if line.startswith(_SEALED):
                        self._read_sealed(line[len(_SEALED) :])
                    else:
                        self._read_line(line)
        self._pending: list[str] = []
        self._pending_sealed: list[str] = []

    def _read_line(self, line: str) -> None:
        sha, _sep, rest = line.partition("\t")
        if len(sha) == 40:
            # a line cut off by an interruption: judge that one again
            with contextlib.suppress(ValueError):
                self.known[sha] = json.loads(rest) if rest else []

    def _read_sealed(self, text: str) -> None:
        import base64
        import binascii

        try:
            opened = sealing.open_for_self(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            opened = None
        for line in opened.decode("utf-8").splitlines() if opened is not None else []:
            self._read_line(line)

    def add(self, sha: str, found: list[Landed]) -> None:
        items = [
            {**x.violation.as_dict(), "author": x.commit.author_email, "time": x.commit.time}
            for x in found
        ]
        self.known[sha] = items
        if items and self.sealed:  # messages may quote what a sealed case says
            self._pending_sealed.append(sha + "\t" + json.dumps(items, ensure_ascii=False))
        else:
            self._pending.append(
                sha + ("\t" + json.dumps(items, ensure_ascii=False) if items else "")
            )
        if len(self._pending) + len(self._pending_sealed) >= 2000:
            self.flush()

    def flush(self) -> None:
        if self._pending_sealed:
            import base64

            closed = sealing.seal_for_self("\n".join(self._pending_sealed).encode("utf-8"))
            if closed is not None:  # no key: those commits are judged again next time
                self._pending.append(_SEALED + base64.b64encode(closed).decode("ascii"))
            self._pending_sealed = []
        if self.path is None or not self._pending:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError), self.path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(self._pending) + "\n")
        self._pending = []


_SEALED = "#sealed "


def _landed_from(sha: str, items: list[dict[str, object]]) -> Iterator[Landed]:
    for item in items:
        commit = gitrepo.Commit(sha, (), "", str(item.get("author", "")), str(item.get("time", "")))
        severity: Severity = "warning" if item.get("severity") == "warning" else "error"
        yield Landed(
            commit,
            Violation(
                str(item["code"]),
                severity,
                str(item["message"]),
                str(item["path"]),
                int(str(item["line"])),
                int(str(item["col"])),
            ),
        )


def _load_tips(path: Path | None) -> dict[str, tuple[str, Parsed]]:
    """The newest version of each case file read by the last run, so that the next run, which
    starts from them, need not parse them again. Written only by bti, inside .git (sealed to the
    person's own key where cases are sealed: it holds whole cases, and their data keys)."""
    data = caches.read(path)
    if data is None:
        return {}
    try:
        tips = pickle.loads(data)
    except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return {}
    return tips if isinstance(tips, dict) else {}


def _save_tips(path: Path | None, tips: dict[str, tuple[str, Parsed]], *, sealed: bool) -> None:
    if path is None:
        return
    with contextlib.suppress(OSError):
        for old in path.parent.glob("tips-*.pickle"):
            old.unlink()
    sealed = sealed or any(parsed.opened is not None for _blob, parsed in tips.values())
    data = pickle.dumps(tips, protocol=pickle.HIGHEST_PROTOCOL)
    caches.write(path, data, sealed=sealed)


def verify(
    root: Path, since: str | None = None, until: str | None = None, progress: Progress | None = None
) -> Verification:
    """Replay every commit in `since..until` through the rules; return what landed."""
    result = Verification()
    commits = _commits(root, since, until)
    result.commits = len(commits)
    result.shallow = (
        gitrepo.run(["rev-parse", "--is-shallow-repository"], root, check=False).stdout.strip()
        == "true"
    )
    if not commits:
        return result
    store = _Verified(root)
    todo = [c for c in commits if c not in store.known]
    judged: dict[str, list[Landed]] = {}
    if todo:
        tip = until or "HEAD"
        landings = gitrepo.landings(root, tip)
        first = since is None and todo[0] == commits[0]  # the repository's first commit
        with gitrepo.ObjectReader(root) as reader:
            judge = Judge(root, reader, first_root_allowed=first)
            tips = store.path.with_name(f"tips-{store.digest}.pickle") if store.path else None
            judge.remember(_load_tips(tips))
            step = 500
            for start in range(0, len(todo), step):
                for commit, diffs in gitrepo.history(root, todo[start : start + step]):
                    found = judge.judge(commit, diffs, landing=landings.get(commit.sha))
                    judged[commit.sha] = found
                    store.add(commit.sha, found)
                    result.judged += 1
                if progress:
                    progress(min(start + step, len(todo)), len(todo))
            judge.save()
            if tips is not None and (result.judged >= TIPS_AFTER or not tips.exists()):
                _save_tips(tips, judge.newest(), sealed=store.sealed)
        store.flush()
    for sha in commits:
        if sha in judged:
            result.landed.extend(judged[sha])
        else:
            result.landed.extend(_landed_from(sha, store.known.get(sha, [])))
    return result
