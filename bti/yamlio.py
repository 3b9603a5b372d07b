"""Reading and writing YAML: libyaml for speed when reading, ruamel.yaml round trip when writing.

Reading goes through PyYAML's C parser (about ten times faster than ruamel.yaml 0.19, which has no C
extension by default). A position is found only when there is something to report: the text is
composed again into nodes, which carry line and column. Writing goes through ruamel.yaml's round trip
and changes only what changed, so comments, key order and quoting written by hand survive.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from bti import yamlscan
from bti.errors import FileProblem
from bti.i18n import N_, _
from bti.yamlscan import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "decode", "load", "read_bytes", "read_text", "rt_load"]


class _NotUsed(yaml.constructor.ConstructorError):
    """Valid YAML that bti files never use: said plainly, not as a syntax error."""


class _AbsurdNumber(Exception):
    """A plain value too long to be a number; where it is, the tokens tell (yamlscan)."""


class _Loader(yaml.CSafeLoader):
    """The C loader, refusing duplicate keys (silently taking the last one could hide a change)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # Before the value is converted: int() of 5,000 digits fails, 1:2:3:... is quadratic.
        if (
            kind is yaml.ScalarNode
            and implicit[0]
            and len(value) > yamlscan.MAX_NUMBER_CHARS
            and yamlscan.is_absurd_number(value)
        ):
            raise _AbsurdNumber
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _NotUsed(
                    None,
                    None,
                    _("a merge key '<<': bti files do not use them"),
                    key_node.start_mark,
                    _("write the fields out in full"),
                )
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    _("a key must be a plain value, not a list or mapping"),
                    key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    _("the key '{key}' appears twice in this mapping").format(key=key),
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """An impossible date like 2015-02-30 stays text, so the schema names the field."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _Loader.construct_yaml_timestamp,
)
_Loader.add_constructor(
    "tag:yaml.org,2002:map",
    _Loader.construct_mapping,
)


_KINDS = {
    stat.S_IFIFO: N_("is a named pipe, not a file"),
    stat.S_IFSOCK: N_("is a socket, not a file"),
    stat.S_IFCHR: N_("is a device, not a file"),
    stat.S_IFBLK: N_("is a device, not a file"),
    stat.S_IFDIR: N_("is a folder, not a file"),
}


def read_bytes(
    path: Path, shown: str | None = None, *, max_bytes: int | None = None, follow: bool = False
) -> bytes:
    """The bytes of a regular file, or a FileProblem (BTI001). A symbolic link (unless `follow`),
    a named pipe, a socket or a device is refused without being opened for reading (a pipe would
    wait for ever, /dev/zero never ends), and a file over the size limit without being read."""
    name = shown or str(path)
    try:
        info = path.stat() if follow else path.lstat()
    except FileNotFoundError:
        raise FileProblem(name, 1, 1, _("file not found"), code="BTI001") from None
    except OSError as err:
        raise FileProblem(
            name, 1, 1, _("cannot be read: {problem}").format(problem=err.strerror), code="BTI001"
        ) from None
    _check_kind(info.st_mode, name)
    yamlscan.check_size(info.st_size, name, max_bytes)
    # Opened without following a link and without waiting, then checked again: the file may
    # have been swapped since lstat. Reading stops one byte past the limit whatever stat said.
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise FileProblem(
            name, 1, 1, _("cannot be read: {problem}").format(problem=err.strerror), code="BTI001"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        _check_kind(os.fstat(fd).st_mode, name)
        data = handle.read(limit + 1)
    yamlscan.check_size(len(data), name, max_bytes)
    return data


def _check_kind(mode: int, name: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        raise FileProblem(
            name,
            1,
            1,
            _("is a symbolic link, not a file"),
            code="BTI001",
            hint=_("bti files are never links; put the file itself here, or remove the link"),
        )
    kind = _KINDS.get(stat.S_IFMT(mode))
    raise FileProblem(
        name,
        1,
        1,
        _(kind) if kind else _("is not a regular file"),
        code="BTI001",
        hint=_("bti reads only plain text files; remove it"),
    )


def read_text(
    path: Path, shown: str | None = None, *, max_bytes: int | None = None, follow: bool = False
) -> str:
    """The text of a file, or a FileProblem saying why it is not a readable text file."""
    name = shown or str(path)
    return decode(read_bytes(path, name, max_bytes=max_bytes, follow=follow), name, max_bytes)


def decode(data: bytes, name: str, max_bytes: int | None = None) -> str:
    """UTF-8 text, or a FileProblem (BTI001) for a file over the size limit, binary or not UTF-8."""
    yamlscan.check_size(len(data), name, max_bytes)
    if b"\x00" in data:
        raise FileProblem(
            name,
            1,
            1,
            _("is a binary file, not YAML text"),
            code="BTI001",
            hint=_("case files are plain text; restore it from git or remove it"),
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = position_of_offset(data, err.start)
        raise FileProblem(
            name,
            line,
            col,
            _("is not UTF-8 text"),
            code="BTI001",
            hint=_("save the file as UTF-8 (the encoding every editor offers)"),
        ) from None


def position_of_offset(data: bytes | str, offset: int) -> tuple[int, int]:
    before = data[:offset]
    text = before.decode("utf-8", errors="replace") if isinstance(before, bytes) else before
    return text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1


def load(text: str, name: str, max_bytes: int | None = None) -> Any:
    """Parse YAML text with libyaml; a syntax error becomes a FileProblem with line and column,
    and so does anything the parser must never see (yamlscan.check: size, depth, aliases...)."""
    yamlscan.check(text, name, max_bytes)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = err.problem or err.context or _("not valid YAML")
        if isinstance(err, _NotUsed):
            raise FileProblem(name, line, col, problem, code="BTI001", hint=err.note) from None
        hint = _("check the indentation and the quotes on this line")
        if err.context_mark is not None and "quoted scalar" in (err.context or ""):
            # The parser notices only at the end of the file; the mistake is where it opened.
            mark = err.context_mark
            line, col = mark.line + 1, mark.column + 1
            problem = _("a quote opened here is never closed")
            hint = _("close it at the end of the text, and double a ' inside '…' text ('')")
        if "'\\t'" in problem or "\t" in problem or "tab character" in problem:
            problem, hint = (
                _("a tab character"),
                _("YAML indents with spaces; replace the tab with spaces"),
            )
        raise FileProblem(
            name,
            line,
            col,
            _("YAML syntax: {problem}").format(problem=problem),
            code="BTI001",
            hint=hint,
        ) from None
    except yaml.YAMLError as err:
        raise FileProblem(
            name, 1, 1, _("YAML syntax: {problem}").format(problem=err), code="BTI001"
        ) from None
    except RecursionError:
        raise FileProblem(name, 1, 1, _("YAML nested too deeply"), code="BTI001") from None
    except _AbsurdNumber:
        yamlscan.check(text, name, max_bytes, exact=True)  # raises, with the place
        raise FileProblem(name, 1, 1, _("a number of absurd length"), code="BTI001") from None
    except (ValueError, TypeError, OverflowError) as err:
        raise FileProblem(
            name, 1, 1, _("a value cannot be read: {problem}").format(problem=err), code="BTI001"
        ) from None


def locator(text: str) -> Callable[[Sequence[str | int]], tuple[int, int]]:
    """A function giving the line and column (1-based) of the key or item at a path like
    ("consents", 2, "expires"), or of the nearest parent that exists. Composes the text once."""
    try:
        yamlscan.check(text, "")
        root: yaml.Node | None = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (yaml.YAMLError, FileProblem):
        root = None
    # Keys of each mapping asked about, indexed once: a file of 100,000 unknown keys would
    # otherwise take quadratic time to place its problems.
    keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

    def find(loc: Sequence[str | int]) -> tuple[int, int]:
        node = root
        if node is None:
            return 1, 1
        mark = node.start_mark
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                index = keys.get(id(node))
                if index is None:
                    index = keys[id(node)] = {}
                    for k, v in node.value:
                        index.setdefault(str(k.value), (k, v))
                match = index.get(str(part))
                if match is None:
                    break
                mark, node = match[0].start_mark, match[1]
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(node.value)
            ):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1

    return find


def locate(text: str, loc: Sequence[str | int]) -> tuple[int, int]:
    """Line and column (1-based) of the key or item at `loc`, or of the nearest existing parent."""
    return locator(text)(loc)


# -- round trip --------------------------------------------------------------------------------


def _round_trip() -> Any:
    from ruamel.yaml import YAML

    rt = YAML()
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    representer = rt.representer
    representer.ignore_aliases = lambda _data: True  # never &anchors: people read these files
    representer.add_representer(
        type(None), lambda r, _v: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    representer.add_representer(
        dt.datetime,
        lambda r, v: r.represent_scalar("tag:yaml.org,2002:timestamp", v.isoformat()),
    )
    return rt


def rt_load(text: str, name: str = "the file") -> Any:
    """The round-trip tree of a file about to be written; the same checks as `load` first."""
    yamlscan.check(text, name, exact=True)  # ruamel is slow anyway: read the tokens
    return _round_trip().load(text)


def rt_dump(data: Any, header: str | None = None) -> str:
    out = io.StringIO()
    if header:
        out.write(header.rstrip("\n") + "\n")
    _round_trip().dump(data, out)
    return out.getvalue()


def to_node(value: Any) -> Any:
    """A plain value as ruamel.yaml should write it: multi-line text in the readable | style."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = to_node(item)
        return node
    if isinstance(value, list):
        return CommentedSeq(to_node(item) for item in value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    return value


_MISSING = object()


def apply_changes(node: Any, old: Any, new: Any) -> Any:
    """Bring the round-trip `node` (which reads as `old`) to `new`, touching only what differs."""
    if isinstance(new, dict) and isinstance(node, dict) and isinstance(old, dict):
        for key in [k for k in node if k not in new]:
            del node[key]
        for key, value in new.items():
            before = old.get(key, _MISSING)
            if key in node:
                if before != value:
                    node[key] = apply_changes(node[key], before, value)
            elif before != value:
                node[key] = to_node(value)
        return node
    if isinstance(new, list) and isinstance(node, list) and isinstance(old, list):
        for index, value in enumerate(new):
            if index < len(node):
                before = old[index] if index < len(old) else _MISSING
                if before != value:
                    node[index] = apply_changes(node[index], before, value)
            else:
                node.append(to_node(value))
        del node[len(new) :]
        return node
    return to_node(new)


def atomic_write(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, fsync, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
