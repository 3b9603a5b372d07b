"""Judging commits: every changed file of a commit against its parent, with that commit's author
and time, through the one rule engine. The pre-receive hook and `bti audit verify` both use this.

Each blob is read through one `git cat-file --batch` process and parsed once; its state judgment is
remembered by blob id, since a version of a file judged once never needs judging again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bti import gitrepo, nationalid
from bti.checks import Parsed, judge_change, parse_appended, parse_case, read_settings
from bti.errors import FileProblem
from bti.models import CASE_ID_RE, Config, Directory, Model
from bti.names import NameIndex
from bti.rules import Context, Violation, privacy
from bti.rules.file import STRAY
from bti.rules.holder import newly_accepted
from bti.rules.privacy import FILE_NAME_HAS_ID
from bti.rules.settings import PUSHER_NOT_RECEIVER, author_known, settings_change
from bti.store import CASES, CONFIG, PEOPLE

SETTINGS = (CONFIG, PEOPLE)


@dataclass(frozen=True)
class Landed:
    """A violation and the commit that brought it."""

    commit: gitrepo.Commit
    violation: Violation

    def render(self) -> str:
        date = self.commit.time[:10]
        return f"{self.commit.sha[:8]} {self.commit.author_email} {date}: {self.violation.render()}"


def is_case_path(path: str) -> bool:
    """A file under cases/ that is not hidden (a .gitkeep keeps the empty folder in git)."""
    return path.startswith(f"{CASES}/") and not PurePosixPath(path).name.startswith(".")


def watched(path: str) -> bool:
    return path in SETTINGS or is_case_path(path)


def message_problems(
    message: str, names: NameIndex | Iterable[str], path: str = ""
) -> list[Violation]:
    """See `bti.rules.privacy.message_problems`; also takes a plain list of names."""
    if not isinstance(names, NameIndex):
        names = NameIndex.build(names)
    return privacy.message_problems(message, names, path)


class Judge:
    """Judges the commits of one repository, remembering what it has read."""

    def __init__(self, root: Path, reader: gitrepo.ObjectReader) -> None:
        self.root = root
        self.reader = reader
        self._parsed: dict[str, Parsed] = {}  # a bounded cache of versions by blob and path
        self._latest: dict[str, tuple[str, Parsed]] = {}  # path → its newest version read
        self._settings: dict[tuple[str, str | None], Model | list[Violation]] = {}
        self._settings_blobs: dict[str, dict[str, str | None]] = {}  # commit → name → blob

    def newest(self) -> dict[str, tuple[str, Parsed]]:
        """The newest version read of each case file: blob id and parsed version."""
        return dict(self._latest)

    def remember(self, newest: dict[str, tuple[str, Parsed]]) -> None:
        """Start from versions read before (see `newest`)."""
        self._latest.update(newest)

    def parsed(self, blob: str | None, path: str, previous: str | None = None) -> Parsed | None:
        """The version `blob` of the case file at `path`, parsed once. When `previous` (the blob
        it replaces) is the last version read of that path and the new one only appends log
        entries, only the appended lines are parsed."""
        if blob is None:
            return None
        latest = self._latest.get(path)
        if latest is not None and latest[0] == blob:
            return latest[1]
        key = f"{blob} {path}"
        hit = self._parsed.get(key)
        if hit is None:
            data = self.reader.read(blob) or b""
            if latest is not None and previous is not None and latest[0] == previous:
                hit = parse_appended(latest[1], data, path)
            if hit is None:
                hit = parse_case(data, path)
            if len(self._parsed) >= 2048:
                self._parsed.clear()
            self._parsed[key] = hit
        self._latest[path] = (blob, hit)
        return hit

    def _setting(self, name: str, blob: str | None) -> Model | list[Violation]:
        key = (name, blob)
        if key not in self._settings:
            model: type[Model] = Config if name == CONFIG else Directory
            data = self.reader.read(blob) if blob else None
            self._settings[key] = read_settings(data, name, model)
        return self._settings[key]

    def settings_blobs(self, rev: str | None) -> dict[str, str | None]:
        """The blob ids of bti.yaml and people.yaml in commit `rev`, remembered per commit."""
        if rev is None:
            return dict.fromkeys(SETTINGS)
        if rev not in self._settings_blobs:
            blobs = {}
            for name in SETTINGS:
                found = self.reader.lookup(f"{rev}:{name}")
                blobs[name] = found[0] if found else None
            self._settings_blobs[rev] = blobs
        return self._settings_blobs[rev]

    def judge(
        self,
        commit: gitrepo.Commit,
        diffs: list[list[gitrepo.FileChange]],
        *,
        pusher: str | None = None,
    ) -> list[Landed]:
        """Every violation `commit` brings, judged against its first parent."""
        changes = [c for c in diffs[0] if watched(c.path)] if diffs else []
        merged: dict[str, Parsed] = {}
        if len(diffs) > 1:
            changes, merged = self._merge_changes(commit, diffs)
        parent = commit.parents[0] if commit.parents else None
        found: list[Violation] = []
        before_settings: dict[str, Model | list[Violation]] = {}
        after_settings: dict[str, Model | list[Violation]] = {}
        by_path = {c.path: c for c in changes}
        old_blobs = self.settings_blobs(parent)
        new_blobs = dict(old_blobs)
        for name in SETTINGS:
            before_settings[name] = self._setting(name, old_blobs[name])
            change = by_path.get(name)
            if change is not None:
                new_blobs[name] = change.new
            after_settings[name] = self._setting(name, new_blobs[name])
        if len(diffs) <= 1:
            self._settings_blobs[commit.sha] = new_blobs
        for name in SETTINGS:
            if name in by_path and isinstance(after_settings[name], list):
                found.extend(after_settings[name])  # type: ignore[arg-type]
        config = after_settings[CONFIG]
        people = after_settings[PEOPLE]
        old_people = before_settings[PEOPLE]
        if PEOPLE in by_path or CONFIG in by_path:
            found.extend(
                settings_change(
                    old_people if isinstance(old_people, Directory) else None,
                    commit.author_email,
                    [n for n in SETTINGS if n in by_path],
                )
            )
        subjects: list[str] = []
        time = dt.datetime.fromisoformat(commit.time)
        for change in changes:
            if not is_case_path(change.path):
                continue
            found.extend(name_problems(change))
            if not isinstance(config, Config) or not isinstance(people, Directory):
                continue
            before = merged.get(change.path) or self.parsed(change.old, change.path)
            after = self.parsed(change.new, change.path, previous=change.old)
            for version in (before, after):
                if version is not None and version.case is not None:
                    subjects.append(version.case.subject.name)
            ctx = Context(config, people, time, commit.author_email, change.path)
            found.extend(author_known(people, commit.author_email, change.path))
            found.extend(judge_change(before, after, ctx))
            if pusher and before and after and before.case and after.case:
                for handover in newly_accepted(before.case, after.case):
                    if handover.to != pusher.lower():
                        found.append(
                            PUSHER_NOT_RECEIVER.violation(
                                f"handover {handover.id} is accepted for {handover.to} but pushed by "
                                f"{pusher} — the receiver pushes their own acceptance",
                                path=change.path,
                            )
                        )
        message = self.reader.read(commit.sha)
        if message is not None:
            body = message.decode("utf-8", "replace").split("\n\n", 1)[-1]
            found.extend(message_problems(body, subjects))
        return [Landed(commit, v) for v in found]

    def _merge_changes(
        self, commit: gitrepo.Commit, diffs: list[list[gitrepo.FileChange]]
    ) -> tuple[list[gitrepo.FileChange], dict[str, Parsed]]:
        """What a merge commit changes, and what each case file is judged against.

        A file that only one side changed must be that side's version: its commits are judged on
        their own. A case file both sides changed (or one the merge changed itself) is judged as
        a change by the merge's author from what merging the two sides by meaning gives
        (bti.merge: the union of the histories, each conflict settled for either side's value),
        so a lawful merge of lawful sides passes, and anything else it slips in — a holder nobody
        handed over to, an edited or dropped entry — is caught. Other files, and merges of more
        than two parents, are judged against the first parent."""
        from bti import merge
        from bti.models import Case

        first = {c.path: c for c in diffs[0] if watched(c.path)}
        others = [{c.path for c in diff} for diff in diffs[1:]]
        changes = [c for p, c in first.items() if all(p in other for other in others)]
        if len(commit.parents) != 2:
            return changes, {}
        changes = [c for c in changes if not is_case_path(c.path)]
        base = gitrepo.merge_base(self.root, *commit.parents)
        references: dict[str, Parsed] = {}
        paths = [*first, *(c.path for c in diffs[1] if c.path not in first)]
        for path in filter(is_case_path, paths):
            (b, b_text), (p1, p1_text), (p2, p2_text) = (
                self._version(rev, path) for rev in (base, *commit.parents)
            )
            result = first[path].new if path in first else p1
            one_side = (result == p1 and p2 in (b, p1)) or (result == p2 and p1 == b)
            if one_side:
                continue  # one side's version, whose own commits are judged
            changes.append(first.get(path) or gitrepo.FileChange(path, p1, result))
            if None in (p1, p2, result) or p1_text is None or p2_text is None:
                continue
            try:
                raw = merge.read((self.reader.read(result or "") or b"").decode("utf-8"), path)
            except (FileProblem, UnicodeDecodeError):
                raw = {}
            reference = merge.reference(b_text, p1_text, p2_text, raw, path)
            try:
                case = Case.model_validate(reference) if reference is not None else None
            except ValueError:
                case = None
            if case is not None:
                references[path] = Parsed(path, None, case)
        return changes, references

    def _version(self, rev: str | None, path: str) -> tuple[str | None, str | None]:
        """The blob id and text of `path` in commit `rev` (None, None where there is none)."""
        found = self.reader.lookup(f"{rev}:{path}") if rev else None
        if found is None:
            return None, None
        return found[0], found[1].decode("utf-8", "replace")


def name_problems(change: gitrepo.FileChange) -> list[Violation]:
    if change.new is None:
        return []
    name = PurePosixPath(change.path).name
    if any(True for _ in nationalid.find(name)):
        return [
            FILE_NAME_HAS_ID.violation(
                "the file name contains a national id — cases are named by their id",
                path=change.path,
            )
        ]
    if change.old is None and (not name.endswith(".yaml") or not CASE_ID_RE.match(name[:-5])):
        return [
            STRAY.violation(
                f"'{name}' is not a case file — case files are named <id>.yaml", path=change.path
            )
        ]
    return []
