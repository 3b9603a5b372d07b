"""Compiles the message catalogues when the package is built: each bti/locale/*/LC_MESSAGES/bti.po
becomes a bti.mo. A wheel gets the .mo files (git ignores them, so they are added by name); an
editable install gets them beside the .po in the source tree, where bti/i18n.py reads them and
compiles a .po again itself when it is newer than its .mo."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_catalogue(po: Path) -> bytes:
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=po.parent.parent.name, domain=po.stem)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        catalogues = sorted((root / "bti" / "locale").glob("*/LC_MESSAGES/*.po"))
        if version == "editable":
            for po in catalogues:
                po.with_suffix(".mo").write_bytes(compile_catalogue(po))
            return
        self._temporary = Path(tempfile.mkdtemp(prefix="bti-mo-"))
        for po in catalogues:
            inside = po.with_suffix(".mo").relative_to(root)
            mo = self._temporary / inside
            mo.parent.mkdir(parents=True, exist_ok=True)
            mo.write_bytes(compile_catalogue(po))
            build_data["force_include"][str(mo)] = inside.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        temporary = getattr(self, "_temporary", None)
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
