"""What a case repository may hold, decided once for every entry point.

A case repository is a small, known set of files: cases only as `cases/<id>.yaml`, the two settings
files, templates, schemas, README files and git's own attribute and ignore files. Anything else is
refused unless bti.yaml allows its path, because a file the rules do not know is a file nobody
judges: a copy of a case in a sub-folder with another holder, a note with a national id, a 50 MB
blob. Pure: paths, modes and sizes in, violations out.
"""

from __future__ import annotations

import fnmatch

from bti import nationalid
from bti.i18n import _
from bti.models import CASE_ID_RE, Config
from bti.rules.core import Violation
from bti.rules.file import NOT_A_FILE, STRAY, TOO_LARGE
from bti.rules.privacy import FILE_NAME_HAS_ID

CASES = "cases"
CONFIG = "bti.yaml"
PEOPLE = "people.yaml"
SETTINGS = (CONFIG, PEOPLE)
# Changed only by a leader: they decide what every rule and every document does.
LEADERS_ONLY = (CONFIG, PEOPLE, ".gitattributes", ".gitignore")
LEADERS_ONLY_FOLDERS = ("templates/", "schemas/")

REGULAR = ("100644", "100755")
SYMLINK = "120000"
SUBMODULE = "160000"


def is_case_path(path: str) -> bool:
    """`cases/<id>.yaml` exactly: no sub-folder, no other spelling of the folder or the id."""
    parts = path.split("/")
    return (
        len(parts) == 2
        and parts[0] == CASES
        and parts[1].endswith(".yaml")
        and CASE_ID_RE.match(parts[1][:-5]) is not None
    )


def leaders_only(path: str) -> bool:
    return path in LEADERS_ONLY or path.startswith(LEADERS_ONLY_FOLDERS)


def _readme(name: str) -> bool:
    return name.upper().startswith("README") and "/" not in name


def known(path: str, config: Config | None) -> bool:
    """The path belongs in a case repository (or bti.yaml allows it)."""
    if is_case_path(path) or path in LEADERS_ONLY or path == f"{CASES}/.gitkeep":
        return True
    if _readme(path):
        return True
    folder, _sep, name = path.partition("/")
    if folder == "templates" and name and "/" not in name:
        return name.endswith((".j2", ".yaml")) or _readme(name)
    if folder == "templates" and name.startswith("chains/") and name.count("/") == 1:
        return name.endswith(".yaml") and len(name) > len("chains/.yaml")  # bti/chains.py
    if folder == "schemas" and name and "/" not in name:
        return name.endswith(".schema.json")
    patterns = config.rules.allowed_paths if config is not None else []
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def path_problems(
    path: str, mode: str | None, size: int | None, config: Config | None
) -> list[Violation]:
    """Everything wrong with a file of the repository before its content is read: its place, its
    name, what kind of entry it is and how large. The same line from validate, the hooks, the
    server and the audit."""
    if any(True for _found in nationalid.find(path)):
        shown = nationalid.masked(path)  # the refusal must not print what it refuses
        return [
            FILE_NAME_HAS_ID.violation(
                _("the file name contains a national id — rename it; cases are named by their id"),
                path=shown,
            )
        ]
    if mode is not None and mode not in REGULAR:
        if mode == SYMLINK:
            message = _(
                "{path} is a symbolic link — a case repository holds only plain files; remove it"
            )
        elif mode == SUBMODULE:
            message = _(
                "{path} is a submodule — a case repository holds only plain files; remove it"
            )
        else:
            message = _(
                "{path} is not a plain file — a case repository holds only plain files; remove it"
            )
        return [NOT_A_FILE.violation(message.format(path=path), path=path)]
    if not known(path, config):
        return [
            STRAY.violation(
                _(
                    "'{path}' has no place in a case repository — cases are cases/<id>.yaml (like "
                    "cases/2026-7KQ3M.yaml); other files need a pattern in bti.yaml's "
                    "rules.allowed_paths, which a leader sets"
                ).format(path=path),
                path=path,
            )
        ]
    limit = (config.rules.max_file_kb if config is not None else 1024) * 1024
    if size is not None and size > limit:
        return [
            TOO_LARGE.violation(
                _(
                    "{path} is {size} KB, more than the {limit} KB a file may be — keep large "
                    "documents in the archive, not in the case repository"
                ).format(path=path, size=size // 1024, limit=limit // 1024),
                path=path,
            )
        ]
    return []
