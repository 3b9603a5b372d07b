"""BTI011: a file under templates/ that cannot be read, or that reaches for internals.

Templates are code: a pushed agenda template runs on the machine of everyone who renders it. The
sandbox (bti/sandbox.py) stops an unsafe template when it runs; this rule refuses it before it lands,
so the hooks and the server turn it away with a file and line instead of a colleague meeting it later.

The check is strict on purpose: a template may use only the fields bti gives it, Jinja's own filters
and tests, and other templates of its folder. Every shipped template passes. A field bti does not
give would fail at render time anyway (undefined values are errors), so refusing it earlier costs a
municipality nothing it could have used.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from bti.i18n import N_, _
from bti.rules.core import Violation, declare

if TYPE_CHECKING:
    from jinja2 import nodes

TEMPLATE_PROBLEM = declare(
    "BTI011",
    "error",
    N_("a template under templates/ cannot be read, or reaches for what a template may not use"),
    "file",
)

TEMPLATES = "templates/"
# Names Jinja itself gives inside a loop or a macro.
_JINJA_LOCALS = frozenset({"loop", "caller", "varargs", "kwargs"})
# Methods that change a list, dict or set (the immutable sandbox refuses them too).
_CHANGES = frozenset(
    [
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "clear",
        "update",
        "setdefault",
        "popitem",
        "add",
        "discard",
        "sort",
        "reverse",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
    ]
)
# '{0.__class__}'.format(x): str.format reaches attributes by itself (the sandbox stops it too).
_FORMAT_INTERNAL = re.compile(r"\{[^{}]*[.\[]_")


def _fields(*classes: type) -> frozenset[str]:
    return frozenset(f.name for cls in classes for f in dataclasses.fields(cls))


def allowed_names(path: str) -> frozenset[str]:
    """The variables bti gives the template at `path` (its document decides which)."""
    from bti.consentform import ConsentForm
    from bti.meetings import CaseMeeting, TeamMeeting

    name = path.rsplit("/", 1)[-1]
    if name.startswith("meeting-"):
        given = _fields(CaseMeeting)
    elif name.startswith("team-"):
        given = _fields(TeamMeeting)
    elif name.startswith("consent-form"):
        given = _fields(ConsentForm)
    else:  # a part other templates include or import: it sees what they see
        given = _fields(CaseMeeting, TeamMeeting, ConsentForm)
    return given | {"range"}


def template_problems(path: str, data: bytes) -> list[Violation]:
    """What is wrong with the file `path` (relative, with `/`) holding `data`, if it is under
    templates/: a `*.j2` must be UTF-8 Jinja that parses and uses nothing beyond bti's fields; a
    `*.yaml` must be an årshjul template. Other paths, and other files there, give no problems."""
    if not path.startswith(TEMPLATES):
        return []
    if path.startswith("templates/chains/"):
        from bti.chains import template_problems as chain_problems

        return chain_problems(path, data)
    if path.endswith(".j2"):
        return _jinja_problems(path, data)
    if path.endswith((".yaml", ".yml")):
        return _calendar_problems(path, data)
    return []


def _problem(path: str, message: str, line: int = 1, col: int = 1) -> Violation:
    return TEMPLATE_PROBLEM.violation(message, path=path).at(path, line, col)


def _text(path: str, data: bytes) -> str | Violation:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return _problem(path, _("the template is not UTF-8 text — save it as UTF-8"), line, col)


def _jinja_problems(path: str, data: bytes) -> list[Violation]:
    from jinja2 import TemplateSyntaxError

    from bti.sandbox import environment

    text = _text(path, data)
    if isinstance(text, Violation):
        return [text]
    env = environment()
    try:
        tree = env.parse(text, path.rsplit("/", 1)[-1], path)
    except TemplateSyntaxError as err:
        return [
            _problem(
                path,
                _(
                    "the template cannot be read: {problem} — correct it, or delete it to use "
                    "bti's built-in one"
                ).format(problem=err.message),
                err.lineno or 1,
            )
        ]
    return _walk(path, tree, env, allowed_names(path))


def _walk(path: str, tree: nodes.Template, env: Any, allowed: frozenset[str]) -> list[Violation]:
    from jinja2 import nodes

    found: list[Violation] = []

    def add(node: nodes.Node, message: str) -> None:
        found.append(_problem(path, message, node.lineno or 1))

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Test)):
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            add(
                node,
                _("the template reaches for '{name}', an internal name — use bti's fields").format(
                    name=node.attr
                ),
            )
        elif isinstance(node, nodes.Getattr) and node.attr in _CHANGES:
            add(
                node,
                _("the template would change bti's data ('{name}'); a template only reads").format(
                    name=node.attr
                ),
            )
        elif (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
            and node.arg.value.startswith("_")
        ):
            add(
                node,
                _("the template reaches for '{name}', an internal name").format(
                    name=node.arg.value
                ),
            )
        elif isinstance(node, nodes.Filter) and node.name not in env.filters:
            add(
                node,
                _("the template uses the filter '{name}', which Jinja does not have").format(
                    name=node.name
                ),
            )
        elif isinstance(node, nodes.Filter) and node.name == "attr":
            add(node, _("the template uses the filter 'attr', which a bti template may not use"))
        elif isinstance(node, nodes.Test) and node.name not in env.tests:
            add(
                node,
                _("the template uses the test '{name}', which Jinja does not have").format(
                    name=node.name
                ),
            )
    for ref in tree.find_all((nodes.Include, nodes.Extends, nodes.FromImport, nodes.Import)):
        target = getattr(ref, "template", None)
        if not isinstance(target, nodes.Const) or not isinstance(target.value, str):
            add(
                ref, _("the template chooses another template by a computed name — name it plainly")
            )
        elif "/" in target.value or "\\" in target.value or target.value.startswith("."):
            add(
                ref,
                _("the template uses '{name}', which is not in templates/").format(
                    name=target.value
                ),
            )
    for const in tree.find_all(nodes.Const):
        if isinstance(const.value, str) and _FORMAT_INTERNAL.search(const.value):
            add(const, _("the template formats a value's internal parts — use bti's fields"))
    # A name the template sets itself (`set`, `for`, a macro's parameters) is its own, wherever it
    # is set; every other name must be one bti gives.
    names = list(tree.find_all(nodes.Name))
    own = {n.name for n in names if n.ctx in ("store", "param")} | _JINJA_LOCALS
    own |= {m.name for m in tree.find_all(nodes.Macro)}
    own |= {i.target for i in tree.find_all(nodes.Import)}
    for imported in tree.find_all(nodes.FromImport):
        own |= {n if isinstance(n, str) else n[1] for n in imported.names}
    reported: set[str] = set()
    for node in names:
        if node.ctx == "load" and node.name not in own | allowed | reported:
            reported.add(node.name)
            add(
                node,
                _(
                    "the template uses '{name}', which bti does not give it — see "
                    "templates/README.md for the fields"
                ).format(name=node.name),
            )
    return sorted(found, key=lambda v: (v.line, v.message))


def _calendar_problems(path: str, data: bytes) -> list[Violation]:
    from bti.calendar.template import parse
    from bti.errors import BtiError, FileProblem

    text = _text(path, data)
    if isinstance(text, Violation):
        return [text]
    try:
        parse(text, path)
    except FileProblem as err:
        return [_problem(path, err.detail, err.line, err.col)]
    except BtiError as err:
        return [_problem(path, err.render())]
    return []
