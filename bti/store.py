"""A case repository on disk: find it, read its files, write them back atomically.

Reading uses libyaml and pydantic; writing uses the ruamel.yaml round trip on the file's own text, so
a comment written by hand and the order of keys survive every command that changes the file.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from bti import yamlio
from bti.checks import Parsed, load_model, parse_case
from bti.errors import FileProblem, InputError, NotReadable
from bti.i18n import _, ngettext
from bti.models import CASE_ID_RE, Case, Config, Directory, Model
from bti.rules import Violation
from bti.sealing import Opened

CONFIG = "bti.yaml"
PEOPLE = "people.yaml"
CASES = "cases"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def schema_header(name: str, depth: int = 0) -> str:
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{name}.schema.json\n"


def find_root(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG).is_file():
            return folder
    return None


@dataclass
class LoadedCase:
    path: Path
    parsed: Parsed

    @property
    def case(self) -> Case:
        assert self.parsed.case is not None
        return self.parsed.case


class Repository:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def find(cls, start: Path | None = None) -> Repository:
        root = find_root(start or Path.cwd())
        if root is None:
            raise InputError(
                _("this folder is not a bti case repository (no bti.yaml here or above)"),
                hint=_("run 'bti init' to make one, or change to the repository's folder"),
            )
        return cls(root)

    # -- the two settings files ----------------------------------------------------------------

    def _read(self, name: str, model: type[Model]) -> Any:
        path = self.root / name
        if not path.exists():
            if model is Directory:
                return Directory()
            raise InputError(
                _("{file} is missing").format(file=name), hint=_("run 'bti init' in this folder")
            )
        return load_model(yamlio.read_text(path, name), name, model)

    @cached_property
    def config(self) -> Config:
        config: Config = self._read(CONFIG, Config)
        return config

    @cached_property
    def people(self) -> Directory:
        people: Directory = self._read(PEOPLE, Directory)
        return people

    def settings_text(self) -> str:
        """Both settings files as they are: part of every cached judgment's key."""
        parts = []
        for name in (CONFIG, PEOPLE):
            path = self.root / name
            parts.append(path.read_text("utf-8", errors="replace") if path.exists() else "")
        return "\x00".join(parts)

    # -- cases ---------------------------------------------------------------------------------

    @property
    def cases_dir(self) -> Path:
        return self.root / CASES

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def case_path(self, case_id: str) -> Path:
        return self.cases_dir / f"{case_id}.yaml"

    def case_files(self) -> list[Path]:
        if not self.cases_dir.is_dir():
            return []
        # Links, pipes and devices are listed too, so a command says it cannot read them
        # (parse_file) instead of passing over them in silence.
        return sorted(
            p
            for p in self.cases_dir.iterdir()
            if p.suffix == ".yaml" and (p.is_symlink() or not p.is_dir())
        )

    def parse_file(self, path: Path) -> Parsed:
        """A case file read from disk, never raising for its content: a link, a pipe or a device
        is refused unread, a file over the size limit unread past the limit (yamlio.read_bytes)."""
        shown = self.relative(path.parent) + "/" + path.name
        try:
            data = yamlio.read_bytes(path, shown)
        except FileProblem as problem:
            found = Violation("BTI001", "error", problem.detail, shown, problem.line, problem.col)
            return Parsed(shown, None, None, [found])
        return parse_case(data, shown)

    def load_case(self, case_id: str) -> LoadedCase:
        from bti.lookup import case_id_hint

        case_id = case_id.strip().upper()
        if not CASE_ID_RE.match(case_id):
            raise InputError(
                _("'{case}' is not a case id").format(case=case_id),
                hint=_("case ids look like 2026-7KQ3M; 'bti case list' shows them"),
            )
        path = self.case_path(case_id)
        if not path.exists():
            raise InputError(
                _("there is no case {case} in {folder}/").format(
                    case=case_id, folder=self.relative(self.cases_dir)
                ),
                hint=case_id_hint(case_id, [p.stem for p in self.case_files()]),
            )
        shown = self.relative(path)
        parsed = self.parse_file(path)
        if parsed.case is not None and not parsed.readable:
            raise not_readable(parsed.case, self.people)
        if parsed.case is None:
            first = parsed.problems[0]
            raise FileProblem(
                shown,
                first.line,
                first.col,
                first.message,
                code=first.code,
                hint=_("correct the file (bti validate lists every problem) and retry"),
            )
        return LoadedCase(path, parsed)

    def new_case_id(self, year: int) -> str:
        while True:
            case_id = f"{year}-" + "".join(secrets.choice(CROCKFORD) for _ in range(5))
            if not self.case_path(case_id).exists():
                return case_id

    def case_text(self, before: LoadedCase | None, case: Case) -> str:
        """The text the case file will have: the old text with only the changes applied, sealed
        when sealing is on in bti.yaml or the case was sealed already."""
        old = before.case if before is not None else None
        old_text = before.parsed.text if before is not None else None
        opened = before.parsed.opened if before is not None else None
        if self.config.sealing == "on" or opened is not None:
            return self.sealed_text(old_text, old, opened, case)
        return render(old_text, old, case, schema_header("case", depth=1))

    def sealed_text(
        self, old_text: str | None, old: Case | None, opened: Opened | None, case: Case
    ) -> str:
        """`case` written sealed for exactly the people who may read it (and the server). The
        data key stays while nobody who could open it is taken off (an unchanged value keeps its
        ciphertext, so a change shows as the lines it changes); otherwise a new key is made and
        every value sealed again."""
        from bti import clock, sealing
        from bti.rules import Context
        from bti.rules.sealed import recipients, tags

        if opened is not None and not opened.readable and old is not None:
            raise not_readable(old, self.people)
        pairs = recipients(case, Context(self.config, self.people, clock.now()))
        readers = [reader for reader, _ in pairs]
        keys = [key for _, key in pairs]
        wanted = Counter(sealing.key_tag(k) for k in keys)
        if opened is not None and opened.data_key is not None and not (tags(opened) - wanted):
            data_key = opened.data_key
            same = tags(opened) == wanted and opened.readers == readers
            wrapped = opened.wrapped if same else sealing.wrap(data_key, keys)
        else:
            data_key, wrapped = sealing.new_data_key(), ""
            wrapped = sealing.wrap(data_key, keys)
        sealing.keyring().remember(wrapped, data_key)
        plain = dump(case)
        plain.pop("sealed", None)
        kept = opened if opened is not None and opened.data_key == data_key else None
        new = sealing.with_block(sealing.seal_tree(plain, data_key, before=kept), readers, wrapped)
        if old_text is None or old is None or opened is None:
            return yamlio.rt_dump(yamlio.to_node(new), header=schema_header("case", depth=1))
        node = yamlio.rt_load(old_text)
        if node is None:
            return yamlio.rt_dump(yamlio.to_node(new), header=schema_header("case", depth=1))
        previous = dump(old)
        previous.pop("sealed", None)
        assert opened.data_key is not None
        previous = sealing.with_block(
            sealing.seal_tree(previous, opened.data_key, before=opened),
            opened.readers,
            opened.wrapped,
        )
        return yamlio.rt_dump(yamlio.apply_changes(node, previous, new))


def not_readable(case: Case, people: Directory) -> NotReadable:
    """One line for a case the acting person cannot open: whose it is, who may read it."""
    from bti import sealing

    services = [case.owner_service] if case.level == 0 else (case.services or [case.owner_service])
    staff = ", ".join(services)
    if case.holder:
        readers = _("its holder ({holder}) and the staff of {services}")
    else:
        readers = _("the staff of {services}")
    holder = readers.format(holder=case.holder, services=staff)
    ring = sealing.keyring()
    if not ring.identities:
        why = ring.problems[0] if ring.problems else _("no private key is set up in this clone")
        return NotReadable(
            _("case {case} is sealed for {readers}, and bti has no key to open it: {why}").format(
                case=case.id, readers=holder, why=why
            ),
            hint=_("run 'bti key init' (or set BTI_KEY_FILE to your private key file)"),
        )
    return NotReadable(
        _("case {case} is not readable for you: it is sealed for {readers}").format(
            case=case.id, readers=holder
        ),
        hint=_("if you work in the case, ask its holder or your leader to involve your service"),
    )


def shown_text(loaded: LoadedCase) -> str:
    """A case as `bti case show` prints it: a plain file as it is; a sealed one opened in memory
    (never written to disk), its `sealed:` block replaced by one line saying whom it is for."""
    opened = loaded.parsed.opened
    if opened is None:
        return loaded.parsed.text or ""
    plain = dump(loaded.case)
    plain.pop("sealed", None)
    readers = ", ".join(opened.readers)
    note = "# " + _(
        "sealed for {readers} — shown opened; the file itself holds only ciphertext"
    ).format(readers=readers)
    return yamlio.rt_dump(yamlio.to_node(plain), header=note)


def left_out(count: int) -> str:
    """One line for the sealed cases a list leaves out because the person cannot read them."""
    return ngettext(
        "{n} case sealed for others is not shown: you cannot read it",
        "{n} cases sealed for others are not shown: you cannot read them",
        count,
    ).format(n=count)


def dump(model: Model) -> dict[str, Any]:
    return model.model_dump(mode="python", exclude_none=True)


def render(old_text: str | None, old: Model | None, new: Model, header: str) -> str:
    if old_text is None or old is None:
        return yamlio.rt_dump(yamlio.to_node(dump(new)), header=header)
    node = yamlio.rt_load(old_text)
    if node is None:
        return yamlio.rt_dump(yamlio.to_node(dump(new)), header=header)
    node = yamlio.apply_changes(node, dump(old), dump(new))
    return yamlio.rt_dump(node)
