"""The Babel extractor for bti's sources: gettext's marks, and the command line's help texts.

A click command's help is its docstring and each option's `help="…"`; marking every one of them with
`N_()` would clutter the command modules, so this extractor finds them where click takes them from:

- the docstring of a function decorated as a command or group (`@x.command(…)`, `@click.group(…)`),
  as `inspect.cleandoc` leaves it — the text click shows;
- a literal string given as `help=`, `short_help=`, `epilog=` or `prompt=` to any call.

Everything else is Babel's own Python extractor (`_`, `N_`, `ngettext`, `pgettext`, …). The help is
translated where click formats it (bti/cli/base.py, `translated_help`). Used by `pybabel extract -F
pyproject.toml` (the method `bti.babelext:extract`) and by tests/test_i18n.py.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

HELP_KEYWORDS = frozenset({"help", "short_help", "epilog", "prompt"})


def _is_command_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in ("command", "group")


def help_texts(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every help text in a module's source."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            _is_command_decorator(d) for d in node.decorator_list
        ):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, doc
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if (
                    keyword.arg in HELP_KEYWORDS
                    and isinstance(keyword.value, ast.Constant)
                    and isinstance(keyword.value.value, str)
                    and keyword.value.value.strip()
                ):
                    yield keyword.value.lineno, keyword.value.value


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, Any, list[str]]]:
    from babel.messages.extract import extract_python

    data = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[misc,arg-type]
    for line, text in help_texts(data.decode("utf-8")):
        yield line, "", inspect.cleandoc(text), []
