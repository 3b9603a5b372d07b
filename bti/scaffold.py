"""`bti init` and `bti schema export`: the layout of a new case repository."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from bti import yamlio
from bti.models import SCHEMAS, Config, Directory, RuleSettings, Service
from bti.resources import builtin
from bti.store import CONFIG, PEOPLE, schema_header

# The usual services of a Norwegian municipality: id, bokmål, nynorsk, English, external.
DEFAULT_SERVICES: list[tuple[str, str, str, str, bool]] = [
    ("barnehage", "Barnehage", "Barnehage", "Kindergarten", False),
    ("skole", "Skole og SFO", "Skule og SFO", "School and after-school care", False),
    (
        "helsestasjon",
        "Helsestasjon og skolehelsetjeneste",
        "Helsestasjon og skulehelseteneste",
        "Health station and school health service",
        False,
    ),
    (
        "ppt",
        "PPT (pedagogisk-psykologisk tjeneste)",
        "PPT (pedagogisk-psykologisk teneste)",
        "Educational-psychological service (PPT)",
        False,
    ),
    ("barnevern", "Barnevernstjenesten", "Barnevernstenesta", "Child welfare service", False),
    ("nav", "NAV", "NAV", "NAV (labour and welfare)", False),
    (
        "psykisk-helse",
        "Psykisk helse og rus",
        "Psykisk helse og rus",
        "Mental health and substance use",
        False,
    ),
    (
        "fysio-ergo",
        "Fysio- og ergoterapi",
        "Fysio- og ergoterapi",
        "Physiotherapy and occupational therapy",
        False,
    ),
    ("familie", "Familietjenesten", "Familietenesta", "Family service", False),
    ("tannhelse", "Tannhelsetjenesten", "Tannhelsetenesta", "Dental health service", False),
    ("flyktning", "Flyktningtjenesten", "Flyktningtenesta", "Refugee service", False),
    (
        "bup",
        "BUP (psykisk helsevern for barn og unge)",
        "BUP (psykisk helsevern for barn og unge)",
        "Child and adolescent mental health (BUP)",
        True,
    ),
    (
        "habilitering",
        "Habiliteringstjenesten",
        "Habiliteringstenesta",
        "Habilitation service (specialist health)",
        True,
    ),
    ("politi", "Politiet", "Politiet", "Police", True),
]
_LANG_INDEX = {"nb": 1, "nn": 2, "en": 3}

ARSHJUL = "arshjul.yaml"
_ARSHJUL_VARIANT = re.compile(r"arshjul\.[a-z]{2}\.yaml")

GITATTRIBUTES = "cases/*.yaml merge=bti\n"


def default_services(lang: str) -> list[Service]:
    index = _LANG_INDEX[lang]
    return [Service(id=row[0], name=str(row[index]), external=row[4]) for row in DEFAULT_SERVICES]


def export_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{name}.schema.json"
        path = out / f"{name}.schema.json"
        yamlio.atomic_write(path, json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def create(
    root: Path, municipality: str, lang: str, *, server_key: str | None = None
) -> list[Path]:
    """Write the files of a new case repository into `root`; return what belongs in its first
    commit. Files already there are kept: an `init` that stopped half way is finished, never
    overwritten (the caller refuses a repository whose first commit was made)."""
    root.mkdir(parents=True, exist_ok=True)
    # A new repository trusts signatures, not author lines, from its first commit.
    config = Config(
        municipality=municipality,
        language=lang,
        services=default_services(lang),
        rules=RuleSettings(signatures="required"),
        sealing="on" if server_key else "off",
        server_key=server_key,
    )
    written = []
    for name, model, header in (
        (CONFIG, config, schema_header("bti")),
        (PEOPLE, Directory(), schema_header("people")),
    ):
        path = root / name
        if not path.exists():
            data = model.model_dump(mode="python", exclude_none=True)
            yamlio.atomic_write(path, yamlio.rt_dump(yamlio.to_node(data), header=header))
        written.append(path)
    cases = root / "cases"
    cases.mkdir(exist_ok=True)
    keep = cases / ".gitkeep"
    keep.touch()
    written.append(keep)
    templates = root / "templates"
    source = builtin("templates")
    if source.is_dir():
        for file in sorted(source.rglob("*")):
            if _ARSHJUL_VARIANT.fullmatch(file.name):
                continue  # the årshjul in another language: arshjul_source picks one
            target = templates / file.relative_to(source)
            if file.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.name == ARSHJUL:
                    shutil.copyfile(arshjul_source(source, lang), target)
                    _own_arshjul(target, municipality, lang)
                else:
                    shutil.copyfile(file, target)
    templates.mkdir(exist_ok=True)
    written.append(templates)
    written.extend(export_schemas(root / "schemas"))
    attributes = root / ".gitattributes"
    if not attributes.exists() or GITATTRIBUTES.strip() not in attributes.read_text("utf-8"):
        with attributes.open("a", encoding="utf-8") as handle:
            handle.write(GITATTRIBUTES)
    written.append(attributes)
    return written


def arshjul_source(folder: Path, lang: str) -> Path:
    """The shipped årshjul in the municipality's language: arshjul.yaml is the nynorsk one,
    arshjul.nb.yaml and arshjul.en.yaml the same meetings and breaks in bokmål and English. A
    municipality gets its names (of meetings, breaks, participants) in the language it writes."""
    variant = folder / f"arshjul.{lang}.yaml"
    return variant if variant.is_file() else folder / ARSHJUL


def _own_arshjul(path: Path, municipality: str, lang: str) -> None:
    """The shipped årshjul is a starting point: the copy a new repository gets carries the
    municipality's own name in its title (a JSON string is a YAML string, quoted as needed)."""
    from bti.calendar.texts import word

    title = word(lang, "own_title", municipality=municipality)
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            if line.startswith("title:")
            else line
            for line in lines
        ),
        "utf-8",
    )
