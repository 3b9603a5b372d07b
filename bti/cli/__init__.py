"""The command line. Each module adds the commands of one concern to `main`."""

from __future__ import annotations

from bti.cli.base import main

__all__ = ["main"]
