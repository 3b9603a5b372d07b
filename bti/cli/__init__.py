"""The command line. Each module adds the commands of one concern to `main`."""

from __future__ import annotations

from bti.cli import audit as _audit  # noqa: F401
from bti.cli import calendar as _calendar  # noqa: F401
from bti.cli import cases as _cases  # noqa: F401
from bti.cli import chains as _chains  # noqa: F401
from bti.cli import collaboration as _collaboration  # noqa: F401
from bti.cli import completion as _completion
from bti.cli import forms as _forms  # noqa: F401
from bti.cli import hooks as _hooks  # noqa: F401
from bti.cli import keys as _keys  # noqa: F401
from bti.cli import meetings as _meetings  # noqa: F401
from bti.cli import repo as _repo  # noqa: F401 - the order of `bti --help`
from bti.cli import sync as _sync  # noqa: F401
from bti.cli import teams as _teams  # noqa: F401
from bti.cli.base import main
from bti.cli.examples import attach

attach(main)
_completion.attach(main)

__all__ = ["main"]
