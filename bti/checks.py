"""Parse a file version once and judge it: the shared path of validate, the hooks and the audit.

Problems get a place only when there are problems: the text is composed into nodes again then, so
the fast path (libyaml + pydantic + rules) pays nothing for line numbers it does not print.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from bti import sealing, yamlio
from bti.errors import FileProblem, InputError
from bti.i18n import N_, _, ngettext
from bti.models import Case, Config, Directory, Model
from bti.rules import Context, Violation, check_change, check_state
from bti.rules.file import SCHEMA, SYNTAX
from bti.rules.privacy import case_text_violations
from bti.sealing import Opened

M = TypeVar("M", bound=Model)

_KNOWN_FIELDS = sorted({f for m in Model.__subclasses__() for f in m.model_fields})
_PATTERN_HINTS = {
    **dict.fromkeys(
        (
            "email",
            "holder",
            "to",
            "by",
            "author",
            "responsible",
            "recorded_by",
            "added_by",
            "offered_by",
            "members",
        ),
        N_("an email address, like kari.nordmann@kommune.no"),
    ),
    "id": N_("an id like 2026-7KQ3M (case), c1 (consent), h1, m1 or mt1"),
    "service": N_("a service id: lowercase letters, digits, - or _ (like ppt or skole)"),
    "owner_service": N_("a service id: lowercase letters, digits, - or _ (like ppt or skole)"),
    "services": N_("a service id: lowercase letters, digits, - or _ (like ppt or skole)"),
    "national_id": N_("11 digits"),
}


@dataclass
class Parsed:
    """One version of a case file: its text, the case if it could be read, and why not if not."""

    path: str
    text: str | None
    case: Case | None
    problems: list[Violation] = field(default_factory=list)
    # National ids in the text (BTI501 with a place), found once: a version is judged as a
    # commit's result and then again as the next commit's starting point.
    text_ids: list[Violation] | None = None
    # A sealed case: what opening it found (None for a plain file). A case this process cannot
    # open has stand-ins for its sealed values: its structure is exact, its content is not.
    opened: Opened | None = None

    @property
    def readable(self) -> bool:
        return self.opened is None or self.opened.readable


SHOWN_CHARS = 60  # of a wrong value, in a message
MAX_SCHEMA_PROBLEMS = 50  # per file: a file of 100,000 wrong keys gets 50 lines and a count


def preview(value: Any, width: int = SHOWN_CHARS) -> str:
    """A wrong value as a message shows it: at most `width` characters, made in time bounded by
    `width` whatever the value (a million items, a 5,000-digit number, deep nesting): `repr`
    of the whole value could take minutes, or fail."""
    parts: list[str] = []
    _preview(value, parts, width + 1, 0)
    return "".join(parts)[:width]


def _preview(value: Any, parts: list[str], room: int, depth: int) -> int:
    """Append pieces of `value` to `parts` while there is room; the room left."""
    if isinstance(value, dict):
        items: Iterable[Any] = (pair for item in value.items() for pair in item)
        opening, closing, seps = "{", "}", (": ", ", ")
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
        opening, closing, seps = "[", "]", (", ", ", ")
    else:
        if isinstance(value, str | bytes):
            text = repr(value[: room + 2])
        elif isinstance(value, int) and abs(value).bit_length() > 4 * SHOWN_CHARS:
            text = _("a number of about {n} digits").format(
                n=f"{abs(value).bit_length() * 3 // 10:,}"
            )
        else:
            text = repr(value)
        parts.append(text[:room])
        return room - len(parts[-1])
    if depth > 3:
        parts.append("...")
        return room - 3
    parts.append(opening)
    room -= 1
    for i, item in enumerate(items):
        if room <= 0:
            return room
        if i:
            parts.append(seps[i % 2 - 1])
            room -= 2
        room = _preview(item, parts, room, depth + 1)
    parts.append(closing)
    return room - 1


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [
        str(p)[:SHOWN_CHARS] + ("..." if len(str(p)) > SHOWN_CHARS else "")
        for p in loc
        if not (isinstance(p, str) and "[" in p)
    ]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or _("the file")


def schema_message(error: Any) -> str:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
    kind, name = error["type"], _field_name(loc)
    last = str(loc[-1])[:SHOWN_CHARS] if loc else ""
    shown = preview(error.get("input"))
    if kind == "missing":
        return _("'{field}' is missing — add it").format(field=name)
    if kind == "extra_forbidden" and loc == ("merge_conflict",):
        return _(
            "the case has a merge conflict that is not resolved yet — for each field listed "
            "under merge_conflict keep the right value, delete the merge_conflict block and run "
            "'bti sync --continue' (or 'bti sync --abort' to go back); in a sealed case, "
            "'bti case edit' shows the block opened"
        )
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(last, _KNOWN_FIELDS, n=1)
        if close:
            return _(
                "unknown field '{field}' (did you mean '{near}'?) — remove it or correct the "
                "spelling"
            ).format(field=name, near=close[0])
        return _("unknown field '{field}' — remove it or correct the spelling").format(field=name)
    if kind.startswith(("date_", "datetime_")):
        if kind.startswith("datetime_") or kind == "timezone_aware":
            return _(
                "{field}: {value} is not a valid time — write YYYY-MM-DDTHH:MM:SS+01:00"
            ).format(field=name, value=shown)
        return _("{field}: {value} is not a valid date — write YYYY-MM-DD").format(
            field=name, value=shown
        )
    if kind == "timezone_aware":
        return _(
            "{field}: the time has no UTC offset — write it like 2026-09-01T10:15:00+02:00"
        ).format(field=name)
    if kind == "literal_error":
        return _("{field}: {value} is not allowed — use {allowed}").format(
            field=name, value=shown, allowed=_allowed(error["ctx"]["expected"])
        )
    if kind == "string_pattern_mismatch":
        key = next((str(p) for p in reversed(loc) if not isinstance(p, int)), "")
        hint = _PATTERN_HINTS.get(key)
        if hint is None:
            return _("{field}: {value} is not in the expected form").format(field=name, value=shown)
        return _("{field}: {value} is not {form}").format(field=name, value=shown, form=_(hint))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("{field} must be a mapping of fields (key: value lines), not {value}").format(
            field=name, value=shown
        )
    if kind == "list_type":
        return _("{field} must be a list (lines starting with '- '), not {value}").format(
            field=name, value=shown
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("{field}: {value} is not a whole number").format(field=name, value=shown)
    if kind in ("string_type",):
        return _("{field}: {value} must be text").format(field=name, value=shown)
    if kind in ("bool_type", "bool_parsing"):
        return _("{field}: {value} is not yes or no (true or false)").format(
            field=name, value=shown
        )
    limit = error.get("ctx") or {}
    if kind == "greater_than_equal":
        return _("{field}: must be {limit} or more").format(field=name, limit=limit.get("ge"))
    if kind == "less_than_equal":
        return _("{field}: must be {limit} or less").format(field=name, limit=limit.get("le"))
    if kind in ("too_short", "string_too_short"):
        least = limit.get("min_length", 1)
        return ngettext(
            "{field}: must have at least {n} character or item",
            "{field}: must have at least {n} characters or items",
            int(least),
        ).format(field=name, n=least)
    if kind in ("too_long", "string_too_long"):
        most = limit.get("max_length", 0)
        return ngettext(
            "{field}: may have at most {n} character or item",
            "{field}: may have at most {n} characters or items",
            int(most),
        ).format(field=name, n=most)
    message = str(error["msg"]).removeprefix("Value error, ")
    return _("{field}: {problem}").format(field=name, problem=message)


def _allowed(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" with its English 'or' said in the person's language."""
    head, sep, tail = str(expected).rpartition(" or ")
    if not sep:
        return str(expected)
    return _("{choices} or {last}").format(choices=head, last=tail)


def messages_key() -> str:
    """What a cached message depends on besides the rules: the language it was said in and the
    version of that language's catalogue (size and time of its `.po`, or of the `.mo` where only
    that is installed). Two stats: a verdict cached in English is never shown in nynorsk."""
    from bti import i18n

    lang = i18n.current()
    folder = i18n.LOCALE_DIR / lang / "LC_MESSAGES"
    for name in (f"{i18n.DOMAIN}.po", f"{i18n.DOMAIN}.mo"):
        try:
            info = (folder / name).stat()
        except OSError:
            continue
        return f"{lang}:{name}:{info.st_size}:{info.st_mtime_ns}"
    return lang


def first_problem(err: Exception) -> str:
    """The first problem of a model refusing a value typed on the command line, in words."""
    errors = getattr(err, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return schema_message(found[0])
    return str(err)


def schema_problems(err: ValidationError, text: str, path: str) -> list[Violation]:
    locate = yamlio.locator(text)
    found = []
    errors = err.errors(include_url=False)
    for error in errors[:MAX_SCHEMA_PROBLEMS]:
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
        line, col = locate(loc)
        found.append(SCHEMA.violation(schema_message(error), loc).at(path, line, col))
    if len(errors) > MAX_SCHEMA_PROBLEMS:
        more = len(errors) - MAX_SCHEMA_PROBLEMS
        found.append(
            SCHEMA.violation(
                ngettext(
                    "and {n} more problem like those above — correct those first, then run 'bti "
                    "validate' again",
                    "and {n} more problems like those above — correct those first, then run 'bti "
                    "validate' again",
                    more,
                ).format(n=f"{more:,}")
            ).at(path, 1, 1)
        )
    return found


def place(violations: Iterable[Violation], text: str | None, path: str) -> list[Violation]:
    violations = list(violations)
    if not violations:
        return violations
    if text is None:
        return [v.at(path, 1, 1) for v in violations]
    locate = yamlio.locator(text)
    return [v.at(path, *locate(v.loc)) for v in violations]


def parse_case(data: bytes | str, path: str, max_bytes: int | None = None) -> Parsed:
    """Read one version of a case file. Never raises for bad content: problems are returned
    (hostile input too: see yamlscan; `max_bytes` defaults to yamlscan.MAX_FILE_BYTES)."""
    try:
        text = data if isinstance(data, str) else yamlio.decode(data, path, max_bytes)
        raw = yamlio.load(text, path, max_bytes)
    except FileProblem as problem:
        return Parsed(path, None, None, [_as_violation(problem, path)])
    if not isinstance(raw, dict):
        if raw is None:
            message = _(
                "the file is empty — a case file starts with 'id:' and holds the case's fields"
            )
        else:
            message = _(
                "the file is a {kind}, not a mapping of fields — a case file starts with 'id:' "
                "and holds the case's fields"
            ).format(kind=type(raw).__name__)
        return Parsed(path, text, None, [SCHEMA.violation(message).at(path, 1, 1)])
    opened = None
    if "sealed" in raw and sealing.sealed_block(raw) is not None:
        raw, opened = sealing.open_case(raw)
    try:
        case = Case.model_validate(raw)
    except ValidationError as err:
        return Parsed(path, text, None, schema_problems(err, text, path), opened=opened)
    return Parsed(path, text, case, opened=opened)


_LOG_ENTRIES: Any = None
# In appended lines these could change what earlier text means (a tab, an anchor or alias, a tag, a
# document marker, a flow collection): such a version is read whole.
_NOT_PLAIN = ("\t", "&", "*", "!", "---", "...", "{", "[", "\r", "\ufeff")


def parse_appended(
    previous: Parsed, data: bytes, path: str, max_bytes: int | None = None
) -> Parsed | None:
    """The next version of a case that only appended log entries at the end of the file, read by
    parsing just the appended lines; None when the new version is anything else (then read it
    whole). The result equals a full parse: the appended lines continue the final `log:` list."""
    global _LOG_ENTRIES
    old = previous.text
    if previous.case is None or old is None or not old.endswith("\n"):
        return None
    if len(data) > (yamlio.MAX_FILE_BYTES if max_bytes is None else max_bytes):
        return None  # too large: the full parse says so, as it would for any other version
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) <= len(old) or not text.startswith(old):
        return None
    added = text[len(old) :]
    if any(c in added for c in _NOT_PLAIN) or any(
        line and not line.startswith(" ") for line in added.split("\n")
    ):
        return None  # a new top-level key, a tab, an anchor, alias or tag: read it whole
    lines = old.split("\n")
    # The last line that starts at the left margin, whatever it is (a quoted key, '? ', '---',
    # '...', '%', '- '), must be exactly 'log:' for the new lines to continue that list.
    start = max((i for i, line in enumerate(lines) if line[:1] not in ("", " ", "#")), default=-1)
    if start < 0 or lines[start] != "log:":
        return None
    items = [
        len(line) - len(line.lstrip(" "))
        for line in lines[start + 1 :]
        if line.lstrip(" ").startswith("- ")
    ]
    if not items:
        return None
    indent = min(items)
    first = next((line for line in added.split("\n") if line.strip()), "")
    if not first.startswith(" " * indent + "- ") or any(
        line.strip() and len(line) - len(line.lstrip(" ")) < indent for line in added.split("\n")
    ):
        return None  # another indentation than the list it would continue
    try:
        raw = yamlio.load("log:\n" + added, path)
    except FileProblem:
        return None
    if not isinstance(raw, dict) or list(raw) != ["log"] or not isinstance(raw["log"], list):
        return None
    if _LOG_ENTRIES is None:
        from pydantic import TypeAdapter

        from bti.models import Entry

        _LOG_ENTRIES = TypeAdapter(list[Entry])
    opened = previous.opened
    if opened is not None:
        raw_log, opened = _open_appended(opened, raw["log"], len(previous.case.log))
        raw = {"log": raw_log}
    try:
        entries = _LOG_ENTRIES.validate_python(raw["log"])
    except ValidationError:
        return None
    case = previous.case.model_copy(update={"log": [*previous.case.log, *entries]})
    return Parsed(path, text, case, opened=opened)


def _open_appended(before: Opened, added: list[Any], start: int) -> tuple[list[Any], Opened]:
    """Log entries appended to a sealed case, opened with the key the file already had (its
    `sealed:` block is above them, unchanged), and what opening the whole new version found."""
    sealed_log = [*before.sealed_raw.get("log", []), *added]
    sealed_raw = {**before.sealed_raw, "log": sealed_log}
    opened_log, found = sealing.open_case(
        {"id": before.sealed_raw.get("id"), "sealed": before.sealed_raw["sealed"], "log": added},
        key=before.data_key,
        offset=start,
    )
    plain_raw = before.plain_raw or {}
    after = Opened(
        before.readers,
        before.wrapped,
        before.data_key,
        sealed_raw,
        {**plain_raw, "log": [*plain_raw.get("log", []), *opened_log["log"]]},
        [*before.bad, *found.bad],
        [*before.plain_leaves, *found.plain_leaves],
    )
    return opened_log["log"], after


def judge(parsed: Parsed, ctx: Context, *, validate: bool = True) -> list[Violation]:
    """Everything `bti validate` says about one file. A sealed case this process cannot open is
    judged on how it is sealed only: its content is the server's (or its readers') to judge.
    `validate`: a case still sealed for someone who may no longer read it waits for its next
    write (a warning); as the state a commit brings (False), that is refused."""
    if parsed.case is None:
        return parsed.problems
    seal = _sealing(parsed.case, parsed, None, ctx, state=validate)
    if not parsed.readable:
        return seal
    found = place(check_state(parsed.case, ctx), parsed.text, parsed.path)
    return found + _text_ids(parsed, found) + seal


def _sealing(
    case: Case, after: Parsed, before: Parsed | None, ctx: Context, *, state: bool = False
) -> list[Violation]:
    from bti.rules import sealed

    if after.opened is None and before is not None and before.opened is not None:
        # Once sealed, a case stays sealed, whatever bti.yaml says later: written in plain text
        # again, it would be on every clone.
        return place(
            [
                sealed.NOT_SEALED.violation(
                    _(
                        "the case was sealed and is now written in plain text — a sealed case "
                        "stays sealed; write it with bti, which seals it again"
                    ),
                    ("id",),
                )
            ],
            after.text,
            after.path,
        )
    if after.opened is None and ctx.config.sealing != "on":
        return []
    found = sealed.check(
        case,
        after.opened,
        before.opened if before is not None else None,
        ctx,
        sealing.keyring(),
        state=state,
    )
    return place(found, after.text, after.path)


def _text_ids(parsed: Parsed, found: list[Violation]) -> list[Violation]:
    """National ids in the file's text that the model cannot see (comments), as BTI501: those
    on lines the model-level rule in `found` has not already reported."""
    if parsed.text is None or parsed.case is None:
        return []
    if parsed.text_ids is None:
        own = parsed.case.subject.national_id
        text = parsed.text if parsed.opened is None else sealing.masked(parsed.text)
        parsed.text_ids = case_text_violations(text, parsed.path, own, [])
    reported = {v.line for v in found if v.code == "BTI501" and v.path == parsed.path}
    return [v for v in parsed.text_ids if v.line not in reported]


def judge_change(before: Parsed | None, after: Parsed | None, ctx: Context) -> list[Violation]:
    """What a commit's change to one case file breaks: problems of the new version that the old
    one did not already have, and every change rule."""
    if after is not None and after.case is None:
        return after.problems
    old = before.case if before is not None else None
    new = after.case if after is not None else None
    seal: list[Violation] = []
    if after is not None and new is not None:
        seal = _sealing(new, after, before, ctx)
        if not after.readable or (before is not None and old is not None and not before.readable):
            return seal  # judged in full where it opens: on the server, by its readers
    # A base that cannot be read (the caller found no earlier version that could) relaxes
    # nothing: the new version is judged as if the case were opened by this change.
    found = check_change(old, new, ctx)
    if old is not None and new is not None:
        known = {(v.code, v.loc, v.message) for v in check_state(old, ctx)}
        found = [v for v in found if (v.code, v.loc, v.message) not in known]
    text = after.text if after is not None else (before.text if before else None)
    found = place(found, text, ctx.path)
    if after is not None:  # ids in comments: blamed on the change that wrote them
        old_ids = {v.message for v in _text_ids(before, [])} if before is not None else set()
        found += [v for v in _text_ids(after, found) if v.message not in old_ids]
    return found + seal


def _as_violation(problem: FileProblem, path: str) -> Violation:
    return Violation(
        problem.code or SYNTAX.code, "error", problem.detail, path, problem.line, problem.col
    )


def read_settings(data: bytes | None, name: str, model: type[M]) -> M | list[Violation]:
    """bti.yaml or people.yaml (`data`, None when the file is missing): the model, or every
    problem in it as violations."""
    if data is None:
        if model is Directory:
            return model()  # no people.yaml: nobody yet
        return [
            SYNTAX.violation(
                _("{file} is missing — a case repository needs it").format(file=name)
            ).at(name, 1, 1)
        ]
    try:
        text = yamlio.decode(data, name)
        raw = yamlio.load(text, name)
    except FileProblem as problem:
        return [_as_violation(problem, name)]
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return [
            SCHEMA.violation(_("must be a mapping of fields (key: value lines)")).at(name, 1, 1)
        ]
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        return schema_problems(err, text, name)


def load_model(text: str, path: str, model: type[M]) -> M:
    """Read bti.yaml or people.yaml; every problem in it becomes one InputError."""
    result = read_settings(text.encode("utf-8"), path, model)
    if isinstance(result, list):
        raise InputError(
            "\n".join(p.render() for p in result),
            hint=_("correct {file} and run the command again").format(file=path),
        )
    return result


__all__ = ["Config", "Directory", "Parsed", "judge", "judge_change", "load_model", "parse_case"]
