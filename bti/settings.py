"""The municipality's settings (bti.yaml) as a library: services and teams.

Functions return rows or a new `Config`; `Session.save_settings` judges and commits it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bti.models import Config
from bti.store import Repository


def open_cases_by_service(repo: Repository) -> Counter[str]:
    """How many open cases involve each service (as owner or taking part). A sealed case's
    services are readable without its key, so every case counts."""
    counts: Counter[str] = Counter()
    for path in repo.case_files():
        case = repo.parse_file(path).case
        if case is not None and case.status == "open":
            counts.update({case.owner_service, *case.services})
    return counts


def service_rows(repo: Repository) -> list[dict[str, Any]]:
    counts = open_cases_by_service(repo)
    return [
        {"id": s.id, "name": s.name, "external": s.external, "open_cases": counts[s.id]}
        for s in repo.config.services
    ]


def team_rows(config: Config) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "services": list(t.services),
            "members": list(t.members),
            "rhythm": t.rhythm,
            "place": t.place,
        }
        for t in config.teams
    ]
