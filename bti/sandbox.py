"""The Jinja environment that renders templates: templates are code, and code from a pushed file
must not run on a colleague's machine.

Jinja's `ImmutableSandboxedEnvironment` blocks attributes that start with `_` (so `__class__`,
`__globals__`, `self._TemplateReference__context`), sandboxes `str.format`, and refuses the methods
that change a list, dict or set — bti's data is read, never changed, by a template, so the immutable
sandbox costs nothing and removes one more way to tamper with what is rendered. It does not bound time
or memory; this module adds those bounds:

- a step budget: every loop iteration and every call (macros included) counts;
- size bounds: `*`, `**`, `%` and `+` refuse results beyond `MAX_SIZE`; so does every filter and call
  (checked on the numbers it is given and the text it returns);
- the output itself stops at `MAX_OUTPUT` characters (see `render_bounded`);
- the globals are only `range` (bounded by Jinja to 100,000 items): no `lipsum`, `cycler`, `joiner`,
  `namespace` or `dict`, which no shipped template needs and each of which was a door in the past;
- a loader that refuses a template file that is a link leading outside its folder.

This module imports no git and no click: the rules layer parses templates with the same environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from jinja2 import FileSystemLoader, StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bti.i18n import _

if TYPE_CHECKING:
    from jinja2 import BaseLoader, Environment
    from jinja2.runtime import Context

MAX_STEPS = 200_000  # loop iterations and calls in one document; an agenda uses a few hundred
MAX_SIZE = 1_000_000  # characters (or items) in any one value a template makes
MAX_OUTPUT = 2_000_000  # characters in one rendered document
MAX_NUMBER = 100_000  # the largest number a filter or method call may be given (widths, counts)
LOOP_FILTER = "bti_counted_loop"

# A printf-style format with a width or precision of 6 digits or more would allocate that much
# before any check on the result could run.
_WIDE_FORMAT = re.compile(r"%[-+ #0]*\d{6,}|%[-+ #0]*\d*\.\d{6,}")


class TemplateLimit(SecurityError):
    """A template went beyond one of bti's bounds on time or memory (said in the person's
    language: bti.render shows it)."""


def _count(n: int) -> str:
    """1,000,000 in English; 1 000 000 in Norwegian."""
    from bti.i18n import current

    return f"{n:,}" if current() == "en" else f"{n:,}".replace(",", "\u00a0")


def _size(value: object) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 0


def _check_value(value: object) -> object:
    if _size(value) > MAX_SIZE:
        raise TemplateLimit(
            _("the template makes a value longer than {n} characters").format(n=_count(MAX_SIZE))
        )
    return value


def _check_args(args: Iterable[object]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_NUMBER:
            raise TemplateLimit(
                _("the template uses the number {number}, above bti's limit").format(number=arg)
            )
        _check_value(arg)
        if isinstance(arg, str) and _WIDE_FORMAT.search(arg):
            raise TemplateLimit(_("the template formats a value wider than bti allows"))


class BtiSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with bounds on steps, sizes and output."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = 0
        self.globals.clear()
        self.globals["range"] = self.globals_range
        self.filters = {name: _bounded(f) for name, f in self.filters.items()}
        self.filters[LOOP_FILTER] = self._counted

    @staticmethod
    def globals_range(*args: int) -> range:
        from jinja2.sandbox import safe_range

        _check_args(args)
        return safe_range(*args)

    def reset_budget(self) -> None:
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateLimit(
                _(
                    "the template runs more than {n} steps (loops and calls); it may loop without "
                    "end"
                ).format(n=_count(MAX_STEPS))
            )

    def _counted(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.step()
            yield item

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        if operator == "**" and numbers and (abs(right) > 64 or abs(left) > MAX_NUMBER):
            raise TemplateLimit(_("the template raises a number to a power above bti's limit"))
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
                if sized and len(seq) * count > MAX_SIZE:
                    raise TemplateLimit(
                        _("the template repeats a value beyond {n} characters").format(
                            n=_count(MAX_SIZE)
                        )
                    )
        elif operator == "%" and isinstance(left, str):
            _check_args([left])
        elif operator == "+" and _size(left) + _size(right) > MAX_SIZE:
            raise TemplateLimit(
                _("the template joins values beyond {n} characters").format(n=_count(MAX_SIZE))
            )
        return _check_value(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.step()
        _check_args([*args, *kwargs.values()])
        return _check_value(
            ImmutableSandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        )

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse, then count every iteration of every `for` loop against the step budget."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
        return tree


def _bounded(func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses huge numbers and huge results (`center(10**9)`, chained `replace`)."""
    import functools

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_args([*args, *kwargs.values()])
        return _check_value(func(*args, **kwargs))

    return bounded


class TemplateRefused(SecurityError):
    """A template file that the static check refuses before any of it is compiled or run."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


Check = Callable[[str, bytes], list[str]]


class FolderLoader(FileSystemLoader):
    """Templates from one folder; a file that is a link leading outside the folder is not one.

    With `check`, every file is judged before it is compiled (`check(shown_name, bytes)` returns
    what is wrong), so a template that reaches for internals never runs, not even its first line."""

    def __init__(self, folder: str, check: Check | None = None, shown: str = "") -> None:
        super().__init__(folder)
        self.check = check
        self.shown = shown

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(
            real.startswith(os.path.realpath(folder) + os.sep) for folder in self.searchpath
        ):
            raise TemplateNotFound(template)
        if self.check is not None:
            problems = self.check(self.shown + template, source.encode("utf-8"))
            if problems:
                raise TemplateRefused(problems)
        return source, filename, uptodate


def environment(loader: BaseLoader | None = None) -> BtiSandbox:
    """The environment every bti template is parsed and rendered with (one per document)."""
    return BtiSandbox(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_bounded(env: BtiSandbox, name: str, data: Mapping[str, Any]) -> str:
    """Render template `name`, stopping when the output grows beyond `MAX_OUTPUT`."""
    env.reset_budget()
    template = env.get_template(name)
    parts, total = [], 0
    for part in template.generate(**data):
        total += len(part)
        if total > MAX_OUTPUT:
            raise TemplateLimit(
                _("the document would be longer than {n} characters").format(n=_count(MAX_OUTPUT))
            )
        parts.append(part)
    return "".join(parts)
