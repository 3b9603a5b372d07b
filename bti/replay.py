"""The one judge of commits: every entry point that asks "may this change land?" asks it here.

A commit is judged against its first parent, with its author, under the directory and settings in
force: the commands before they write, pre-commit over the index, pre-receive over every commit of a
push, `bti sync` before it sends and `bti audit verify` over history all call `Judge.judge`, so the
same problem gives the same line everywhere. What it judges:

- the commit's shape: no merge of more than two histories, no merge of unrelated histories, no
  second root commit (bti.replay.shape);
- every path the commit changes, whatever its name (bti.layout), and every text for national ids;
- the settings files and templates: changed only by a leader, never deleted or emptied;
- every case file through the rule engine, against the last version of it that could be read, so a
  broken version is never the base that relaxes the rules for the next one;
- the same again under the directory of the branch it lands on, when that is another (a person
  removed on main cannot act through an old branch): the stricter answer holds.

Each blob is read through one `git cat-file --batch` process and parsed once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bti import clock, gitrepo, sealing, yamlscan
from bti.checks import Parsed, judge_change, parse_appended, parse_case, place, read_settings
from bti.checks import judge as judge_state
from bti.errors import FileProblem
from bti.i18n import _
from bti.keyindex import KeyIndex, fingerprint
from bti.layout import CASES, CONFIG, PEOPLE, SETTINGS, is_case_path, leaders_only, path_problems
from bti.models import Config, Directory, Model
from bti.names import NameIndex
from bti.rules import Context, Violation, privacy
from bti.rules.file import SETTINGS_REMOVED
from bti.rules.history import CLOCK_SKEW
from bti.rules.holder import newly_accepted
from bti.rules.settings import PUSHER_NOT_RECEIVER, author_known, settings_change
from bti.rules.signature import setup_problems, signature_problems
from bti.rules.templates import template_problems
from bti.shape import shape_problems
from bti.signatures import SigningSetup

__all__ = ["Judge", "Landed", "is_case_path", "message_problems"]

ZERO = gitrepo.ZERO
TEXT_SCAN_LIMIT = 4 * 1024 * 1024  # larger blobs are refused by size before anyone reads them


@dataclass(frozen=True)
class Landed:
    """A violation and the commit that brought it."""

    commit: gitrepo.Commit
    violation: Violation

    def render(self) -> str:
        date = self.commit.time[:10]
        return f"{self.commit.sha[:8]} {self.commit.author_email} {date}: {self.violation.render()}"


def message_problems(
    message: str, names: NameIndex | Iterable[str], path: str = ""
) -> list[Violation]:
    """See `bti.rules.privacy.message_problems`; also takes a plain list of names."""
    if not isinstance(names, NameIndex):
        names = NameIndex.build(names)
    return privacy.message_problems(message, names, path)


@dataclass
class _Settings:
    """bti.yaml and people.yaml as one commit sees them: blob ids and what they hold."""

    blobs: dict[str, str | None]
    config: Config | None
    people: Directory | None
    problems: list[Violation] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.config is not None and self.people is not None


class Judge:
    """Judges the commits of one repository, remembering what it has read.

    `now` is the time the judgment is made for: the server's time of receipt, the command's or the
    hook's clock. Without it (the audit of history) a commit is judged at its own committer time,
    but never earlier than the newest record the case already holds and never later than now, so a
    backdated or postdated commit cannot choose the day its rules are judged on."""

    def __init__(
        self,
        root: Path,
        reader: gitrepo.ObjectReader,
        *,
        now: dt.datetime | None = None,
        first_root_allowed: bool = False,
        names: NameIndex | None = None,
        check_signing: bool = False,
    ) -> None:
        self.root = root
        # Before a commit exists (commands, pre-commit) there is no signature to verify: with
        # `check_signing` the judge asks instead whether git here will sign with the right key.
        self.check_signing = check_signing
        self._signing: SigningSetup | None = None
        # Every subject's and guardian's name known so far: the repository's (when the caller
        # read them) and those of every case version this judge reads. Messages are checked
        # against all of them, not only the cases a commit touches.
        self.names = names if names is not None else NameIndex()
        self.reader = reader
        self.now = now
        self.root_allowed = first_root_allowed
        self._wall = clock.now()
        self._parsed: dict[str, Parsed] = {}  # a bounded cache of versions by blob and path
        self._latest: dict[str, tuple[str, Parsed]] = {}  # path → its newest version read
        self._good: dict[str, Parsed] = {}  # path → the newest version read that could be read
        self._setting: dict[tuple[str, str | None], Model | list[Violation]] = {}
        self._settings_at: dict[str, _Settings] = {}  # commit → its settings
        self._lines: dict[str, set[str]] = {}  # landing → commits that build on it (_builds_on)
        # BTI047: the data-key fingerprints of versions (bti.keyindex), the case files of the
        # commits judged along one line (path → blob), and, for the commit being judged, which
        # case files hold each key.
        self._keys: KeyIndex | None = None
        self._seen_keys: dict[str, bytes | None] = {}  # versions read before the index loaded
        self._line: tuple[str, dict[str, str]] | None = None
        self._by_key: dict[str, set[str]] | None = None
        # The same for the line's newest commit, kept up to date with the changes since.
        self._line_keys: dict[str, set[str]] | None = None
        self._pending: list[gitrepo.FileChange] = []
        self._diff: list[gitrepo.FileChange] = []

    # -- reading versions ------------------------------------------------------------------------

    def newest(self) -> dict[str, tuple[str, Parsed]]:
        """The newest version read of each case file: blob id and parsed version."""
        return dict(self._latest)

    def remember(self, newest: dict[str, tuple[str, Parsed]]) -> None:
        """Start from versions read before (see `newest`)."""
        self._latest.update(newest)
        for path, (_blob, parsed) in newest.items():
            if parsed.case is not None:
                self._good.setdefault(path, parsed)

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
            data = self._content(blob, path)
            if isinstance(data, Parsed):
                hit = data
            else:
                if latest is not None and previous is not None and latest[0] == previous:
                    hit = parse_appended(latest[1], data, path)
                if hit is None:
                    hit = parse_case(data, path)
            if len(self._parsed) >= 2048:
                self._parsed.clear()
            self._parsed[key] = hit
            if hit.opened is not None:
                self._note_key(blob, hit.opened.data_key)
        self._latest[path] = (blob, hit)
        if hit.case is not None:
            self._good[path] = hit
            self._learn_names(hit)
        return hit

    def _learn_names(self, version: Parsed) -> None:
        assert version.case is not None
        if not version.readable:
            return  # stand-ins are no names; the server, which opens every case, learns them
        self.names.add(version.case.subject.name)
        for guardian in version.case.guardians:
            self.names.add(guardian.name)

    def _content(self, blob: str, path: str) -> bytes | Parsed:
        """The bytes of a blob, or a refusal when it is too large to read at all: the size is
        asked of git first, so a huge blob is never read."""
        info = self.reader.info(blob)
        try:
            yamlscan.check_size(info[2] if info else 0, path)
        except FileProblem as problem:
            return Parsed(path, None, None, [_file_violation(problem, path)])
        return self.reader.read(blob) or b""

    def _base(self, blob: str | None, path: str, parent: str | None) -> Parsed | None:
        """What a change to `path` is judged against: the parent's version, or, when that cannot
        be read, the newest earlier version that could (a broken version never relaxes a rule)."""
        before = self.parsed(blob, path)
        if before is None or before.case is not None:
            return before
        good = self._good.get(path)
        if good is not None:
            return good
        if parent is not None:
            for sha in gitrepo.path_versions(self.root, parent, path):
                found = self.reader.lookup(f"{sha}:{path}")
                if found is None:
                    continue
                version = parse_case(found[1], path)
                if version.case is not None:
                    self._good[path] = version
                    return version
        return before

    def settings(self, rev: str | None) -> _Settings:
        """bti.yaml and people.yaml in commit `rev` (nothing before the first commit)."""
        if rev is None:
            return self._make_settings(dict.fromkeys(SETTINGS))
        if rev not in self._settings_at:
            blobs = {}
            for name in SETTINGS:
                found = self.reader.info(f"{rev}:{name}")
                blobs[name] = found[0] if found else None
            self._settings_at[rev] = self._make_settings(blobs)
        return self._settings_at[rev]

    def _make_settings(self, blobs: dict[str, str | None]) -> _Settings:
        config = self._read_setting(CONFIG, blobs[CONFIG])
        people = self._read_setting(PEOPLE, blobs[PEOPLE])
        problems = [p for s in (config, people) if isinstance(s, list) for p in s]
        return _Settings(
            blobs,
            config if isinstance(config, Config) else None,
            people if isinstance(people, Directory) else None,
            problems,
        )

    def _read_setting(self, name: str, blob: str | None) -> Model | list[Violation]:
        key = (name, blob)
        if key not in self._setting:
            model: type[Model] = Config if name == CONFIG else Directory
            data = self.reader.read(blob) if blob else None
            self._setting[key] = read_settings(data, name, model)
        return self._setting[key]

    # -- judging ---------------------------------------------------------------------------------

    def judge(
        self,
        commit: gitrepo.Commit,
        diffs: list[list[gitrepo.FileChange]],
        *,
        pusher: str | None = None,
        landing: str | None = None,
    ) -> list[Landed]:
        """Every violation `commit` brings. `landing` is the tip of the branch it lands on (the
        server's branch before the push): the commit is judged under that directory too."""
        shape = shape_problems(self.root, commit, first_root_allowed=self.root_allowed)
        if commit.parents == () and not shape:
            self.root_allowed = False  # one first commit per repository
        if shape:
            return [Landed(commit, v) for v in shape]
        parent = commit.parents[0] if commit.parents else None
        self._diff = diffs[0] if diffs else []
        self._by_key = None
        line = self._line
        # The case files along the line of commits judged: the parent's, the diff applied.
        if line is not None and parent is not None and line[0] == parent != commit.sha != ZERO:
            _apply(line[1], self._diff)
            self._line = (commit.sha, line[1])
            if self._line_keys is not None:
                self._pending += [c for c in self._diff if is_case_path(c.path)]
        changes, references = self._changes(commit, diffs)
        own = self.settings(parent)
        after = self._after_settings(own, changes)
        if commit.sha != gitrepo.ZERO and len(commit.parents) <= 1:
            self._settings_at[commit.sha] = after  # the next commit's parent: no lookup needed
        found = self._settings_problems(after, changes)
        found += self._judge_under(commit, changes, references, own, after, pusher)
        if landing is not None and self._builds_on(commit, landing):
            landing = parent  # its own line holds the landing's settings and every change since
        if landing is not None and landing != parent:
            tip = self.settings(landing)
            if tip.blobs != own.blobs and tip.readable:
                tip_after = self._after_settings(tip, changes)
                found += self._judge_under(commit, changes, references, tip, tip_after, None)
        raw = self.reader.read(commit.sha) if commit.sha != gitrepo.ZERO else None
        found += self._signature_problems(commit, raw, own, after)
        if landing is not None and landing != parent:
            tip = self.settings(landing)
            if tip.blobs != own.blobs and tip.readable:
                found += self._signature_problems(commit, raw, tip, tip)
        found += self._text_problems(changes, after.config)
        found += self._message_problems(raw)
        unique = {(v.code, v.path, v.loc, v.message): v for v in found}
        return [Landed(commit, v) for v in unique.values()]

    def _builds_on(self, commit: gitrepo.Commit, landing: str) -> bool:
        """Whether `commit` continues, by first parents through commits this judge has judged
        for the same landing, the branch tip `landing`: then its parent's settings are the
        landing's with the changes of those commits, each judged already, and the commit needs
        no second judgment under the landing's directory (a person added earlier in the same
        push may work in it). Commits are judged parents first (pre-receive, audit)."""
        line = self._lines.setdefault(landing, {landing})
        if len(line) > 200_000:
            line.clear()
            line.add(landing)
        if commit.parents and commit.parents[0] in line:
            if commit.sha != gitrepo.ZERO:
                line.add(commit.sha)
            return True
        return False

    def _after_settings(self, before: _Settings, changes: list[gitrepo.FileChange]) -> _Settings:
        blobs = dict(before.blobs)
        for change in changes:
            if change.path in SETTINGS:
                blobs[change.path] = change.new
        return before if blobs == before.blobs else self._make_settings(blobs)

    def _settings_problems(
        self, after: _Settings, changes: list[gitrepo.FileChange]
    ) -> list[Violation]:
        """The settings files a commit changes must be readable, present and not emptied."""
        changed = {c.path: c for c in changes if c.path in SETTINGS}
        found = [p for p in after.problems if p.path in changed]
        for name, change in changed.items():
            if change.new is None:
                found.append(
                    SETTINGS_REMOVED.violation(
                        _(
                            "{file} was deleted — a case repository always has it; restore it"
                        ).format(file=name),
                        path=name,
                    )
                )
        people = changed.get(PEOPLE)
        if people is not None and people.old is not None and after.people is not None:
            old = self._read_setting(PEOPLE, people.old)
            if isinstance(old, Directory) and old.people and not after.people.people:
                found.append(
                    SETTINGS_REMOVED.violation(
                        _(
                            "people.yaml was emptied — the directory is never emptied (that would "
                            "let anyone add the first person again); remove people one by one"
                        ),
                        path=PEOPLE,
                    )
                )
        if CONFIG in changed and after.config is not None:
            from bti.rules.sealed import server_key_problems

            found += server_key_problems(after.config, sealing.keyring())
        return found

    def _judge_under(
        self,
        commit: gitrepo.Commit,
        changes: list[gitrepo.FileChange],
        references: dict[str, Parsed],
        before: _Settings,
        after: _Settings,
        pusher: str | None,
    ) -> list[Violation]:
        """The commit's changes under one directory: who may change what, and the case rules."""
        found: list[Violation] = []
        author = commit.author_email
        parents = commit.parents[:1]
        people = before.people or self._readable(PEOPLE, parents)
        if (
            isinstance(people, Directory) and people.people
        ):  # an empty directory: anyone adds the first
            touched = [c.path for c in changes]
            if touched:
                found += author_known(people, author, touched[0])
            guarded = [p for p in touched if leaders_only(p)]
            if guarded:
                found += settings_change(people, author, guarded)
        # Settings that cannot be read (the commit that broke them is refused on its own) do
        # not switch the case rules off: the last readable ones hold.
        config = after.config or self._readable(CONFIG, parents)
        directory = after.people or self._readable(PEOPLE, parents)
        if not isinstance(config, Config) or not isinstance(directory, Directory):
            return found
        for change in changes:
            if not is_case_path(change.path):
                continue
            parent = commit.parents[0] if commit.parents else None
            old = references.get(change.path) or self._base(change.old, change.path, parent)
            new = self.parsed(change.new, change.path, previous=change.old)
            time = self._time(commit, old)
            ctx = Context(config, directory, time, author, change.path)
            if not commit.parents and new is not None and old is None:
                # A repository's first commit (shape_problems allows one, on an empty server)
                # may start from cases that were kept elsewhere (`bti seal --fresh`): their
                # history is not in it, so their state is what can be judged.
                found += judge_state(new, ctx, validate=False)
                found += self._key_shared(commit, None, new, change.path)
                continue
            found += judge_change(old, new, ctx)
            found += self._key_reused(old, new, parent, change.path)
            found += self._key_shared(commit, old, new, change.path)
            if pusher and old and new and old.case and new.case:
                found += _pusher_problems(old, new, pusher, change.path)
        return found

    def _key_reused(
        self, old: Parsed | None, new: Parsed | None, parent: str | None, path: str
    ) -> list[Violation]:
        """A case sealed with a new data key that an earlier version of it had (BTI046): whoever
        could read that version — a service whose consent was withdrawn — would open it. Looked
        up only when the key changes, which is rare (a reader taken off, a key replaced)."""
        from bti import sealing
        from bti.rules.sealed import REUSED

        if old is None or new is None or old.opened is None or new.opened is None:
            return []
        key = new.opened.data_key
        if key is None or old.opened.data_key in (None, key) or parent is None:
            return []
        ring = sealing.keyring()
        for sha in gitrepo.path_versions(self.root, parent, path, limit=10_000):
            data = self.reader.read(f"{sha}:{path}")
            try:
                raw = yamlscan_load(data, path)
            except FileProblem:
                continue
            block = sealing.sealed_block(raw) if isinstance(raw, dict) else None
            if block is not None and ring.unwrap(block[1]) == key:
                found = REUSED.violation(
                    _(
                        "the case is sealed again with the key it had in commit {commit} — "
                        "everyone who could read it then would open what is written now; write the "
                        "case with bti, which makes a new key"
                    ).format(commit=sha[:8]),
                    ("sealed", "key"),
                )
                return place([found], new.text, path)
        return []

    def _key_shared(
        self, commit: gitrepo.Commit, old: Parsed | None, new: Parsed | None, path: str
    ) -> list[Violation]:
        """A case sealed with a data key another case file of the commit's tree has (BTI047):
        whoever reads that case would open this one with the key they hold (the values' AAD names
        only the case's id, which is no secret). Looked up only when the version's key is new for
        its case (a new case, a renewed key), through the fingerprints of bti.keyindex."""
        from bti.rules.sealed import SHARED

        if new is None or new.opened is None or new.opened.data_key is None:
            return []
        key = new.opened.data_key
        if old is not None and old.opened is not None and old.opened.data_key == key:
            return []  # the key the case had: judged when it came
        others = sorted(p for p in self._holding(commit).get(fingerprint(key), []) if p != path)
        if not others:
            return []
        ids = ", ".join(p.split("/")[-1].removesuffix(".yaml") for p in others)
        found = SHARED.violation(
            _(
                "the case is sealed with the data key case {ids} uses — whoever reads that case "
                "would open this one with it; bti makes a fresh key for every case: write the "
                "case with bti"
            ).format(ids=ids),
            ("sealed", "key"),
        )
        return place([found], new.text, path)

    def key_index(self) -> KeyIndex:
        """The data-key fingerprints of case-file versions (bti.keyindex), loaded once."""
        if self._keys is None:
            self._keys = KeyIndex(self.root)
            for blob, data_key in self._seen_keys.items():
                self._keys.note(blob, data_key)
            self._seen_keys.clear()
        return self._keys

    def _note_key(self, blob: str, data_key: bytes | None) -> None:
        if self._keys is not None:
            self._keys.note(blob, data_key)
        elif len(self._seen_keys) < 200_000:
            self._seen_keys[blob] = data_key

    def save(self) -> None:
        """Keep what was learnt of the data keys for the next run (bti.keyindex)."""
        if self._keys is not None:
            keep = set(self._line[1].values()) if self._line is not None else None
            self._keys.save(keep)

    def _holding(self, commit: gitrepo.Commit) -> dict[str, set[str]]:
        """Fingerprint → the case files of the commit's tree sealed with that key, for the
        commit being judged: built once, then kept along the line of commits judged, each
        commit's changes applied (only when a key is new is it asked for)."""
        if self._by_key is not None:
            return self._by_key
        index = self.key_index()
        tree = self._case_tree(commit)
        along = self._line is not None and self._line[0] == commit.sha != ZERO
        if along and self._line_keys is not None:
            holding = self._line_keys
            for change in self._pending:
                if change.old:
                    gone = index.of(change.old, change.path, self.reader)
                    holding.get(gone, set()).discard(change.path)
                if change.new:
                    came = index.of(change.new, change.path, self.reader)
                    if came:
                        holding.setdefault(came, set()).add(change.path)
            self._pending = []
            self._by_key = holding
            return holding
        known = index.known
        opened = len(known)
        holding = {}
        for path, blob in tree.items():
            found = known.get(blob)
            if found is None:
                found = index.of(blob, path, self.reader)
            if found:
                holding.setdefault(found, set()).add(path)
        if len(known) != opened:
            index.save(set(tree.values()))  # versions opened: kept for next time
        if along:
            self._line_keys, self._pending = holding, []
        self._by_key = holding
        return holding

    def _case_tree(self, commit: gitrepo.Commit) -> dict[str, str]:
        """path → blob of every case file in the tree the commit makes (its first parent's with
        its changes): kept along the line of commits judged one after the other, so that git is
        asked for a whole tree only when the line starts or jumps."""
        if self._line is not None and self._line[0] == commit.sha != gitrepo.ZERO:
            return self._line[1]
        parent = commit.parents[0] if commit.parents else None
        if parent is None:
            tree: dict[str, str] = {}
            if commit.sha != ZERO:
                self._line_keys, self._pending = None, []
        elif self._line is not None and self._line[0] == parent and commit.sha == gitrepo.ZERO:
            tree = dict(self._line[1])
        else:
            blobs = gitrepo.tree_blobs(self.root, parent, CASES)
            tree = {p: b for p, b in blobs.items() if is_case_path(p)}
            if commit.sha != ZERO:
                self._line_keys, self._pending = None, []
        _apply(tree, self._diff)
        if commit.sha != gitrepo.ZERO:
            self._line = (commit.sha, tree)
        return tree

    def _readable(self, name: str, parents: tuple[str, ...]) -> Config | Directory | None:
        """The newest readable version of a settings file before `parents`: an unreadable
        directory is judged by the last one that held, never as an empty one (that would be the
        bootstrap), and unreadable settings never switch a rule off."""
        if not parents:
            return None
        for sha in gitrepo.path_versions(self.root, parents[0], name):
            held = self.settings(sha)
            found = held.config if name == CONFIG else held.people
            if found is not None:
                return found
        return None

    def _time(self, commit: gitrepo.Commit, before: Parsed | None) -> dt.datetime:
        if self.now is not None:
            return self.now
        time = dt.datetime.fromisoformat(commit.time)
        if before is not None and before.case is not None and before.case.log:
            time = max(time, max(entry.time for entry in before.case.log) - CLOCK_SKEW)
        return min(time, self._wall)

    def _text_problems(
        self, changes: list[gitrepo.FileChange], config: Config | None
    ) -> list[Violation]:
        """Every new file: its place, kind and size, and no national id in its text (a case's
        values are judged by BTI501; every other text, comments included, here)."""
        found: list[Violation] = []
        for change in changes:
            if change.new is None:
                continue
            info = self.reader.info(change.new)
            size = info[2] if info else None
            problems = path_problems(change.path, change.new_mode, size, config)
            found += problems
            if problems or is_case_path(change.path) or (size or 0) > TEXT_SCAN_LIMIT:
                continue
            data = self.reader.read(change.new) or b""
            found += template_problems(change.path, data)
            found += privacy.text_id_violations(data.decode("utf-8", "replace"), change.path)
        return found

    def _message_problems(self, raw: bytes | None) -> list[Violation]:
        """What the person wrote in the commit object: message, author and committer lines."""
        if raw is None:
            return []  # not yet written: the commit-msg hook judges the message
        return privacy.object_problems(raw.decode("utf-8", "replace"), self.names)

    def _signature_problems(
        self, commit: gitrepo.Commit, raw: bytes | None, before: _Settings, after: _Settings
    ) -> list[Violation]:
        """The commit is signed by its author's key, under the setting and directory in force at
        its parent (the switch-on commit itself is not judged: its parent's setting is off). A
        root commit is judged under its own settings: a repository created with signatures on."""
        parents = commit.parents[:1]
        if parents:
            config = before.config or self._readable(CONFIG, parents)
            people = before.people or self._readable(PEOPLE, parents)
        else:
            config, people = after.config, after.people
        if not isinstance(config, Config) or not isinstance(people, Directory):
            return []
        setting = config.rules.signatures
        if raw is not None:
            return signature_problems(raw, commit.author_email, people, setting)
        if commit.sha != gitrepo.ZERO or not self.check_signing or setting == "off":
            return []
        if self._signing is None:
            self._signing = gitrepo.signing_setup(self.root)
        return setup_problems(self._signing, commit.author_email, people, setting)

    def _changes(
        self, commit: gitrepo.Commit, diffs: list[list[gitrepo.FileChange]]
    ) -> tuple[list[gitrepo.FileChange], dict[str, Parsed]]:
        """What a commit changes against its first parent, and what each case file is judged
        against when that is not the first parent's version.

        In a merge every path that differs from the first parent is judged, except a path whose
        result is the second side's version while the first side left it as it was at the merge
        base: that side's own commits are judged on their own. A case file both sides changed is
        judged against what merging the two sides by meaning gives (bti.merge: the union of the
        histories, each conflict settled for either side's value), so a lawful merge passes and
        anything it slips in — a holder nobody handed over to, an edited or dropped entry — is
        caught; any other file both sides changed is judged as a change from the first side."""
        if len(diffs) <= 1:
            return (diffs[0] if diffs else []), {}
        from bti import mergesealed
        from bti.models import Case

        base = gitrepo.merge_base(self.root, *commit.parents)
        changes: list[gitrepo.FileChange] = []
        references: dict[str, Parsed] = {}
        for change in diffs[0]:
            path = change.path
            (b, b_text), (p2, p2_text) = (
                self._version(rev, path) for rev in (base, commit.parents[1])
            )
            p1 = change.old
            if change.new == p2 and p1 == b:
                continue  # the second side's version, whose own commits are judged
            changes.append(change)
            if not is_case_path(path) or None in (p1, p2, change.new) or p2_text is None:
                continue
            p1_text = (self.reader.read(p1 or "") or b"").decode("utf-8", "replace")
            try:
                new_text = (self.reader.read(change.new or "") or b"").decode("utf-8")
            except UnicodeDecodeError:
                new_text = ""
            reference = mergesealed.reference(b_text, p1_text, p2_text, new_text, path)
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


def _apply(tree: dict[str, str], diff: list[gitrepo.FileChange]) -> None:
    """The case files of `tree` (path → blob) changed as `diff` changes them."""
    for change in diff:
        if not is_case_path(change.path):
            continue
        if change.new is None:
            tree.pop(change.path, None)
        else:
            tree[change.path] = change.new


def tag_problems(data: bytes, names: NameIndex | None = None) -> list[Violation]:
    """An annotated tag's message, name and tagger hold no national id and no subject's name."""
    return privacy.object_problems(data.decode("utf-8", "replace"), names or NameIndex())


def _pusher_problems(old: Parsed, new: Parsed, pusher: str, path: str) -> list[Violation]:
    assert old.case is not None and new.case is not None
    return [
        PUSHER_NOT_RECEIVER.violation(
            _(
                "handover {id} is accepted for {to} but pushed by {pusher} — the receiver pushes "
                "their own acceptance"
            ).format(id=handover.id, to=handover.to, pusher=pusher),
            path=path,
        )
        for handover in newly_accepted(old.case, new.case)
        if handover.to != pusher.lower()
    ]


def yamlscan_load(data: bytes | None, path: str) -> object:
    """A version's raw mapping (FileProblem when it cannot be read)."""
    from bti import yamlio

    if data is None:
        raise FileProblem(path, 1, 1, _("missing"))
    return yamlio.load(yamlio.decode(data, path), path)


def _file_violation(problem: FileProblem, path: str) -> Violation:
    from bti.rules.file import SYNTAX

    return Violation(
        problem.code or SYNTAX.code, "error", problem.detail, path, problem.line, problem.col
    )
