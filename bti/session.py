"""One mutating command from start to end: who acts, judge the result, write it, commit it.

Every change goes through the same rule engine as the hooks before anything is written, so a command
that a hook would refuse is refused here first, with the same codes and words, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from bti import clock, gitrepo
from bti.actions import Act, Change
from bti.checks import Parsed, judge_change, parse_case
from bti.errors import Refused
from bti.i18n import _
from bti.layout import is_case_path
from bti.models import Model, Person
from bti.rules import Context, Violation
from bti.store import LoadedCase, Repository, render, schema_header


class RuleRefusal(Refused):
    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(v.render() for v in violations)
        super().__init__(
            _("refused — the change would break the rules; nothing was written:") + "\n" + lines
        )


@dataclass
class Outcome:
    path: Path
    summary: str
    commit: str | None
    warnings: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Session:
    """One mutating command. It holds the clone's lock (bti/lock.py) from `start` — before anything
    is read — until `close`, so that reading HEAD's version, writing and committing are one step
    that no other bti command in this clone can interleave with. The CLI releases it at the end of
    every command; Python callers use `with Session.start() as session:`."""

    repo: Repository
    actor: gitrepo.Ident
    time: dt.datetime
    command: str = "bti"
    lock: Path | None = None
    recovered: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, start: Path | None = None, *, command: str | None = None) -> Session:
        from bti import guard
        from bti import lock as clone_lock

        repo = Repository.find(start)
        command = command or clone_lock.command_from_argv()
        places = gitrepo.places(repo.root)
        held = clone_lock.acquire(places.common_dir, command) if places else None
        try:
            recovered = guard.recover(repo.root) if places else []
            return cls(repo, gitrepo.author(repo.root), clock.now(), command, held, recovered)
        except BaseException:
            if held is not None:
                clone_lock.release(held)
            raise

    def close(self) -> None:
        from bti import lock as clone_lock

        if self.lock is not None:
            clone_lock.release(self.lock)
            self.lock = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def email(self) -> str:
        return self.actor.email

    @property
    def act(self) -> Act:
        return Act(self.email, self.time, self.repo.config.language)

    def person(self) -> Person:
        person = self.repo.people.get(self.email)
        if person is None:
            raise Refused(
                _(
                    "you ({email}) are not in people.yaml, so you can read cases but not change "
                    "them"
                ).format(email=self.email),
                hint=_(
                    "a leader adds you: bti person add {email} --name 'Your Name' "
                    "--service SERVICE --role holder"
                ).format(email=self.email),
            )
        return person

    def leader(self) -> Person | None:
        """The acting leader, or None while the directory is empty (the bootstrap)."""
        if not self.repo.people.people:
            return None
        person = self.person()
        if "leader" not in person.roles:
            raise Refused(
                _("only a leader can change people and services; {email} is not one").format(
                    email=self.email
                ),
                hint=_("ask a leader of your service to make this change"),
            )
        return person

    def context(self, path: str) -> Context:
        return Context(self.repo.config, self.repo.people, self.time, self.email, path)

    def apply(self, loaded: LoadedCase | None, change: Change, *, commit: bool) -> Outcome:
        """Judge `change`; when lawful, write it atomically and commit it as the acting person."""
        self.person()
        path = self.repo.case_path(change.case.id)
        shown = self.repo.relative(path)
        text = self.repo.case_text(loaded, change.case)
        found = self.judge(shown, text, loaded.parsed if loaded else None)
        return self._write_and_commit(
            path,
            text,
            f"{change.case.id}: {change.summary}",
            commit,
            [v for v in found if not v.is_error],
            change.notes,
        )

    def judge(self, shown: str, text: str, on_disk: Parsed | None) -> list[Violation]:
        """What the one judge says of committing `text` as `shown` now, exactly as pre-commit and
        the server will say it (against HEAD's version: a hand edit not yet committed is part of
        the change). Refused, with nothing written, when it finds an error."""
        return self.judge_many([(shown, text)], {shown: on_disk})

    def judge_many(
        self, files: list[tuple[str, str]], on_disk: dict[str, Parsed | None] | None = None
    ) -> list[Violation]:
        """`judge` for several files committed together (as `bti seal` does)."""
        root = self.repo.root
        head = gitrepo.rev(root, "HEAD") if gitrepo.git_dir(root) else None
        if head is None:  # before the repository's first commit: the case rules alone
            found = []
            for shown, text in files:
                if is_case_path(shown):
                    before = (on_disk or {}).get(shown)
                    found += judge_change(before, parse_case(text, shown), self.context(shown))
        else:
            from bti.replay import Judge

            with gitrepo.ObjectReader(root) as reader:
                changes = []
                for shown, text in files:
                    old = reader.info(f"{head}:{shown}")
                    new = reader.provide(text.encode("utf-8"))
                    changes.append(
                        gitrepo.FileChange(
                            shown, old[0] if old else None, new, "100644" if old else None, "100644"
                        )
                    )
                commit = gitrepo.Commit(
                    gitrepo.ZERO, (head,), self.actor.name, self.email, self.time.isoformat()
                )
                judge = Judge(root, reader, now=self.time, check_signing=True)
                found = [landed.violation for landed in judge.judge(commit, [changes])]
        errors = [v for v in found if v.is_error]
        if errors:
            raise RuleRefusal(errors)
        return found

    def save_settings(
        self, name: str, old: Model | None, new: Model, summary: str, *, commit: bool
    ) -> Outcome:
        path = self.repo.root / name
        old_text = path.read_text("utf-8") if path.exists() else None
        text = render(
            old_text, old if old_text else None, new, schema_header(name.removesuffix(".yaml"))
        )
        self.judge(name, text, None)
        outcome = self._write_and_commit(path, text, f"{name}: {summary}", commit, [], [])
        self.repo.__dict__.pop("config", None)
        self.repo.__dict__.pop("people", None)
        return outcome

    def _write_and_commit(
        self,
        path: Path,
        text: str,
        message: str,
        commit: bool,
        warnings: list[Violation],
        notes: list[str],
    ) -> Outcome:
        from bti import guard

        sha = guard.write_and_commit(
            self.repo.root, path, text, message, self.command, commit=commit
        )
        return Outcome(path, message, sha, warnings, [*self.recovered, *notes])
