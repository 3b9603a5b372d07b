"""Where the built-in templates and schemas are: inside the installed package, or beside it in a
source checkout (the project's own templates/ and schemas/ folders)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin(name: str) -> Path:
    """The folder `name` ('templates' or 'schemas') that ships with bti."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
