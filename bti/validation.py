"""`bti validate`: every file of a case repository judged by the state rules.

Judgments are cached by git blob id (the SHA-1 of the content as git stores it): an unchanged file under
unchanged settings, rules and date is never judged twice. The cache lives in the repository's .git
folder, so it is never committed. A cold run on many files is spread over the machine's cores.

A sealed case this person cannot open is judged on how it is sealed only (checks.judge); the cache
is keyed by the keys this process holds too, and kept sealed to them where cases are sealed
(bti.caches), since its messages may quote what a case says.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bti import __version__, caches, clock, gitrepo, i18n, sealing, yamlio
from bti.checks import judge, messages_key, parse_case, read_settings
from bti.errors import FileProblem, InputError
from bti.i18n import _
from bti.layout import path_problems
from bti.models import Config, Directory, Model
from bti.rules import Context, Violation
from bti.rules.file import SYNTAX
from bti.store import CASES, CONFIG, PEOPLE, Repository

PARALLEL_FROM = 400  # below this, starting worker processes costs more than it saves
_CODE = Path(__file__).resolve().parent


@dataclass
class Report:
    violations: list[Violation] = field(default_factory=list)
    files: int = 0
    cached: int = 0
    # Sealed cases this process cannot open: judged on their sealing only.
    not_readable: int = 0

    @property
    def errors(self) -> int:
        return sum(v.is_error for v in self.violations)

    @property
    def warnings(self) -> int:
        return len(self.violations) - self.errors


def _code_digest() -> str:
    digest = hashlib.sha1(__version__.encode(), usedforsecurity=False)
    # The readers too: a file judged before a reader learned to refuse it is judged again.
    names = ["checks.py", "models.py", "yamlio.py", "yamlscan.py"]
    for path in sorted([*_CODE.glob("rules/*.py"), *(_CODE / name for name in names)]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _settings(repo: Repository, report: Report) -> tuple[Config, Directory] | None:
    """Read bti.yaml and people.yaml; their problems go into the report."""
    loaded: list[Model | list[Violation]] = []
    for name, model in ((CONFIG, Config), (PEOPLE, Directory)):
        path = repo.root / name
        try:
            data = yamlio.read_bytes(path, name) if os.path.lexists(path) else None
        except FileProblem as problem:
            loaded.append([_problem(problem)])
            continue
        report.files += data is not None
        loaded.append(read_settings(data, name, model))
    for result in loaded:
        if isinstance(result, list):
            report.violations.extend(result)
    config, people = loaded
    if isinstance(config, Config) and isinstance(people, Directory):
        return config, people
    return None


def _problem(problem: FileProblem) -> Violation:
    return SYNTAX.violation(problem.detail).at(problem.path, problem.line, problem.col)


def _walk(folder: Path) -> list[Path]:
    """Every file under `folder` but hidden ones, sorted. A link is listed, never followed: a
    link to a folder could lead anywhere, even in a circle."""
    found: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                found.extend(_walk(Path(entry.path)))
            elif not entry.name.startswith("."):
                found.append(Path(entry.path))
    return found


def _shown(repo: Repository, path: Path) -> str:
    """The path as the user knows it, relative to the repository; a link's own name, not its
    target's."""
    folder = repo.relative(path.parent)
    return path.name if folder == "." else f"{folder}/{path.name}"


def _case_files(
    repo: Repository, paths: Iterable[Path] | None, config: Config | None
) -> tuple[list[tuple[Path, str]], list[Violation]]:
    """The case files to judge with the names shown, and the stray files found in cases/ on the
    way. Links, pipes and devices are listed too: reading them is refused, with a line each."""
    stray: list[Violation] = []
    if not paths:
        paths = [repo.root / CASES]
    files: list[Path] = []
    for path in paths:
        path = Path(os.path.abspath(path))  # not resolve(): a link is judged as a link
        if path.is_dir() and not path.is_symlink():
            files.extend(_walk(path))
        elif os.path.lexists(path):
            files.append(path)
        else:
            raise InputError(
                _("{path} does not exist").format(path=path),
                hint=_("name case files or folders to check"),
            )
    cases = []
    root = repo.root.resolve()
    for file in files:
        shown = _shown(repo, file)
        if file.name in (CONFIG, PEOPLE) and file.parent.resolve() == root:
            continue
        inside = root in file.parent.resolve().parents or file.parent.resolve() == root
        # The same verdict on a path as the hooks and the server give (bti.layout); a file
        # outside the repository named on the command line is simply read as a case.
        problems = path_problems(shown, None, None, config) if inside else []
        if problems:
            stray.extend(v.at(v.path or shown, 1, 1) for v in problems)
            continue
        cases.append((file, shown))
    return cases, stray


def _layout_problems(repo: Repository, config: Config | None) -> list[Violation]:
    """Every file of the work tree outside cases/ that has no place in a case repository (the
    files in cases/ are judged one by one)."""
    found = []
    for name in gitrepo.work_tree_files(repo.root):
        if name.startswith(f"{CASES}/"):
            continue
        try:
            info = (repo.root / name).lstat()
        except OSError:
            continue  # listed by git, gone from the disk: nothing to judge
        mode = "120000" if stat.S_ISLNK(info.st_mode) else None
        for violation in path_problems(name, mode, info.st_size, config):
            found.append(violation.at(violation.path or name, 1, 1))
    return found


class _Cache:
    def __init__(self, repo: Repository, context_key: str, *, sealed: bool) -> None:
        directory = gitrepo.git_dir(repo.root) if (repo.root / ".git").exists() else None
        self.path = directory / "bti" / "validate-cache.json" if directory else None
        self.key = context_key
        self.entries: dict[str, list[dict[str, object]]] = {}
        self.unreadable: set[str] = set()
        self.dirty = False
        raw, was_sealed = caches.load(self.path)
        self.sealed = sealed or was_sealed
        if raw is not None:
            try:
                stored = json.loads(raw)
                if stored.get("key") == context_key:
                    self.entries = stored["entries"]
                    self.unreadable = set(stored.get("not_readable", []))
            except (ValueError, KeyError, TypeError, AttributeError):
                self.entries, self.unreadable = {}, set()

    def get(self, key: str) -> list[Violation] | None:
        hit = self.entries.get(key)
        if hit is None:
            return None
        return [
            Violation(
                str(v["code"]),
                "warning" if v["severity"] == "warning" else "error",
                str(v["message"]),
                str(v["path"]),
                int(str(v["line"])),
                int(str(v["col"])),
            )
            for v in hit
        ]

    def put(self, key: str, judged: Judged) -> None:
        violations, readable, sealed = judged
        self.entries[key] = [v.as_dict() for v in violations]
        if not readable:
            self.unreadable.add(key)
        self.sealed = self.sealed or sealed
        self.dirty = True

    def save(self) -> None:
        if not self.path or not self.dirty:
            return
        stored = {"key": self.key, "entries": self.entries, "not_readable": sorted(self.unreadable)}
        caches.write(self.path, json.dumps(stored).encode("utf-8"), sealed=self.sealed)


# What one file's judgment found: its violations, whether it could be read here, whether it was
# sealed.
Judged = tuple[list[Violation], bool, bool]


def _judge_batch(batch: list[tuple[str, bytes]], ctx: Context, lang: str) -> list[Judged]:
    """Judge files, the messages in `lang` (a worker process is told the person's language)."""
    results = []
    with i18n.use(lang):
        for shown, data in batch:
            parsed = parse_case(data, shown)
            found = judge(parsed, Context(ctx.config, ctx.people, ctx.time, None, shown))
            results.append((found, parsed.readable, parsed.opened is not None))
    return results


def validate(
    repo: Repository,
    paths: Iterable[Path] | None = None,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
) -> Report:
    report = Report()
    settings = _settings(repo, report)
    config = settings[0] if settings else None
    cases, stray = _case_files(repo, paths, config)
    if not paths and gitrepo.git_dir(repo.root) is not None:
        stray += _layout_problems(repo, config)
    report.violations.extend(stray)
    report.files += len(stray)
    if settings is None:
        return report
    config, people = settings
    now = clock.now()
    ctx = Context(config, people, now)
    # A verdict judged without a case's key differs from one judged with it. (Only where cases
    # are sealed: finding the keys costs a git call the plain repository need not pay.) Its
    # messages are said in one language: another language is another cache.
    keys = sealing.ring_id() if config.sealing == "on" else ""
    context_key = hashlib.sha1(
        (
            repo.settings_text() + now.date().isoformat() + _code_digest() + keys + messages_key()
        ).encode(),
        usedforsecurity=False,
    ).hexdigest()
    cache = _Cache(repo, context_key, sealed=config.sealing == "on") if use_cache else None
    todo: list[tuple[str, bytes, str]] = []
    for file, shown in cases:
        report.files += 1
        try:
            data = yamlio.read_bytes(file, shown)
        except FileProblem as problem:
            report.violations.append(_problem(problem))
            continue
        key = f"{gitrepo.blob_id(data)} {shown}"
        hit = cache.get(key) if cache else None
        if hit is not None and cache is not None:
            report.cached += 1
            report.violations.extend(hit)
            report.not_readable += key in cache.unreadable
        else:
            todo.append((shown, data, key))
    results = _run(todo, ctx, jobs)
    for (_shown, _data, key), judged in zip(todo, results, strict=True):
        report.violations.extend(judged[0])
        report.not_readable += not judged[1]
        if cache:
            cache.put(key, judged)
    if cache:
        cache.save()
    report.violations.sort(key=lambda v: (v.path, v.line, v.col, v.code))
    return report


def _run(todo: list[tuple[str, bytes, str]], ctx: Context, jobs: int | None) -> list[Judged]:
    items = [(shown, data) for shown, data, _key in todo]
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    lang = i18n.current()
    if workers <= 1 or len(items) < PARALLEL_FROM:
        return _judge_batch(items, ctx, lang)
    size = max(50, len(items) // (workers * 4))
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_judge_batch, batches, [ctx] * len(batches), [lang] * len(batches))
        return [found for batch in results for found in batch]
