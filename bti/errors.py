"""The error types of bti. The CLI turns each into a message and an exit code, in one place."""

from __future__ import annotations

from pathlib import Path

from bti.i18n import _

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_INPUT = 2


class BtiError(Exception):
    """Something the user must act on. Never shown as a traceback."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  → {self.hint}"


class Refused(BtiError):
    """The action is not allowed (a rule forbids it, or the person may not do it). Exit 1."""

    exit_code = EXIT_REFUSED


class InputError(BtiError):
    """Bad input or usage: a missing file, an unknown case, a value that cannot be read. Exit 2."""

    exit_code = EXIT_INPUT


class FileProblem(InputError):
    """Bad content in a file, with the place it was found: path:line:col."""

    def __init__(
        self,
        path: str | Path,
        line: int,
        col: int,
        message: str,
        *,
        code: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.col = col
        self.code = code
        self.detail = message if not hint else f"{message} — {hint}"
        said = _("{code} error: {message}").format(code=code, message=message) if code else message
        super().__init__(f"{self.path}:{line}:{col}: {said}", hint=hint)


class NotReadable(Refused):
    """A sealed case this person's key does not open: said in one line, never as ciphertext."""
