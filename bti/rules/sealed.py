"""BTI040–BTI045: who a case is sealed for (issue 12, DESIGN §8 "Read permission").

Read permission follows the same consent as write permission: the holder, the staff of the owner
service at level 0, the staff of the involved services a valid consent covers from level 1, and the
server's key, so the server judges every rule. A case sealed for anyone else is a leak and is
refused wherever it is judged; so is a sealed value written in plain text, a value that does not
open where it stands (changed, moved from another field or case), and a reader taken off the list
while the case keeps the key they could open.

These checks read the `sealed:` block and the age header, not the sealed values, so they hold on a
machine that cannot open the case; the ones that need the data key (BTI042, BTI044) are judged
wherever it opens — always on the server, which holds its key.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from bti.i18n import N_, _, ngettext
from bti.rules.core import Context, Loc, Violation, declare
from bti.rules.permissions import working_services

if TYPE_CHECKING:
    from bti.models import Case, Config
    from bti.sealing import Keyring, Opened

NOT_SEALED = declare(
    "BTI040", "error", N_("a case is written in plain text where it must be sealed"), "file"
)
LEAK = declare("BTI041", "error", N_("a case is sealed for someone who may not read it"), "file")
BROKEN = declare(
    "BTI042",
    "error",
    N_("a sealed value does not open with the case's key where it stands"),
    "file",
)
BEHIND = declare(
    "BTI043", "warning", N_("a case is not yet sealed for everyone who may read it"), "file"
)
NOT_RENEWED = declare(
    "BTI044", "error", N_("a reader was taken off a case but its key was not renewed"), "file"
)
NO_SERVER = declare(
    "BTI045", "error", N_("a sealed case is not sealed for the server, which must judge it"), "file"
)

REUSED = declare(
    "BTI046", "error", N_("a case is sealed again with a key an earlier version of it had"), "file"
)
SHARED = declare(
    "BTI047", "error", N_("a case is sealed with a data key another case uses"), "file"
)


def allowed(case: Case, ctx: Context) -> set[str]:
    """The people who may read `case`: its holder, and the staff of the services that may work
    in it (bti.rules.permissions.working_services: the owner service at level 0, the involved
    services a valid consent covers from level 1)."""
    services = set(working_services(case, ctx))
    people = {p.email for p in ctx.people.people if p.service in services}
    if case.holder:
        people.add(case.holder.lower())
    return people


def _loose(case: Case, ctx: Context) -> set[str]:
    """Who could possibly read `case`, judged from its structure alone (a machine that cannot
    open it cannot weigh who gave consent): staff of its owner and involved services, its
    holder. The server, which can open every case, judges the exact set."""
    services = {case.owner_service, *case.services}
    people = {p.email for p in ctx.people.people if p.service in services}
    if case.holder:
        people.add(case.holder.lower())
    return people


def recipients(case: Case, ctx: Context) -> list[tuple[str, str]]:
    """(reader, public key) for everyone a written case is sealed for: the people who may read it
    and have a key in people.yaml, by email, then the server."""
    from bti.sealing import SERVER

    found = []
    for email in sorted(allowed(case, ctx)):
        person = ctx.people.get(email)
        if person is not None and person.key:
            found.append((email, person.key))
    if ctx.config.server_key:
        found.append((SERVER, ctx.config.server_key))
    return found


def missing(case: Case, opened: Opened, ctx: Context) -> list[str]:
    """People who may read the case and have a key, but for whom it is not sealed yet."""
    listed = set(opened.readers)
    return [reader for reader, _ in recipients(case, ctx) if reader not in listed]


def _key_of(reader: str, ctx: Context) -> str | None:
    from bti.sealing import SERVER

    if reader == SERVER:
        return ctx.config.server_key
    person = ctx.people.get(reader)
    return person.key if person is not None else None


def _former_tag(reader: str, got: Counter[str], ctx: Context) -> str:
    """The tag of `reader`'s replaced key that the case is wrapped to."""
    from bti.sealing import key_tag

    person = ctx.people.get(reader)
    assert person is not None
    return next(t for t in (key_tag(f.key) for f in person.former_keys) if got[t])


def _replaced(
    readers: list[str],
    keys: dict[str, str],
    extra: Counter[str],
    lacking: Counter[str],
    ctx: Context,
) -> list[str]:
    """The listed readers whose current key the case is not wrapped to, but one of their replaced
    keys (people.yaml former_keys) in its place."""
    from bti.sealing import SERVER, key_tag

    found = []
    for reader in readers:
        person = ctx.people.get(reader) if reader != SERVER else None
        if person is None or reader not in keys or not lacking[key_tag(keys[reader])]:
            continue
        former = [key_tag(f.key) for f in person.former_keys]
        tag = next((t for t in former if extra[t]), None)
        if tag is not None:
            extra[tag] -= 1
            lacking[key_tag(keys[reader])] -= 1
            found.append(reader)
    return found


def tags(opened: Opened) -> Counter[str]:
    from bti.sealing import SealError, stanzas

    try:
        return Counter(s.args[0] for s in stanzas(opened.wrapped) if s.args)
    except SealError:
        return Counter()


def check(
    case: Case,
    opened: Opened | None,
    before: Opened | None,
    ctx: Context,
    ring: Keyring,
    *,
    state: bool = False,
) -> list[Violation]:
    """What is wrong with how `case` is sealed (`opened`: None for a plain file), judged against
    its previous version's sealing (`before`). `state`: for `bti validate`, which also says who
    cannot read it yet (BTI043)."""
    from bti.sealing import SERVER, SealError, key_tag, stanzas

    found: list[Violation] = []
    if opened is None:
        if ctx.config.sealing == "on":
            found.append(
                NOT_SEALED.violation(
                    _(
                        "the case is written in plain text, but sealing is on in bti.yaml — write "
                        "it with bti (any command seals it), or run 'bti seal'"
                    ),
                    ("id",),
                )
            )
        return found
    block: Loc = ("sealed",)
    for loc in opened.plain_leaves:
        path = ".".join(str(p) for p in loc)
        found.append(
            NOT_SEALED.violation(
                _(
                    "{field} is written in plain text in a sealed case — a lost laptop would show "
                    "it; change the case with bti (or 'bti case edit'), which seals every value"
                ).format(field=path),
                loc,
            )
        )
    for loc, why in opened.bad:
        path = ".".join(str(p) for p in loc)
        found.append(BROKEN.violation(f"{path}: {why}", loc))

    try:
        wrapped_for = stanzas(opened.wrapped)
    except SealError as err:
        found.append(
            LEAK.violation(
                _("the case's key cannot be read: {problem}").format(problem=err), (*block, "key")
            )
        )
        return found
    readers = opened.readers
    for reader, count in Counter(readers).items():
        if count > 1:
            found.append(
                LEAK.violation(
                    _("{reader} is listed twice as a reader").format(reader=reader),
                    (*block, "readers"),
                )
            )
    keys: dict[str, str] = {}
    may_read = allowed(case, ctx) if opened.readable else _loose(case, ctx)
    # In `bti validate`, a reader who may no longer read the case (taken out of people.yaml, moved
    # to another service) while it has not been written since is a warning: the case waits for
    # its next write, which renews its key. A change that keeps them is a leak (below).
    gone = [r for r in readers if r != SERVER and (ctx.people.get(r) is None or r not in may_read)]
    if state and gone:
        found.append(
            BEHIND.violation(
                _(
                    "still sealed for {readers}, who may no longer read it — their key opens it "
                    "until the next change made with bti renews its key ('bti seal' renews every "
                    "case you can read)"
                ).format(readers=", ".join(gone)),
                (*block, "readers"),
            )
        )
    for i, reader in enumerate(readers):
        key = _key_of(reader, ctx)
        if key is None and state and reader in gone:
            continue
        if key is None:
            if reader == SERVER:
                message = _(
                    "the case is sealed for {reader}, but the server has no server_key in bti.yaml "
                    "— nobody can tell whose key opens it; seal it again with bti"
                )
            elif ctx.people.get(reader):
                message = _(
                    "the case is sealed for {reader}, but {reader} has no key in people.yaml — "
                    "nobody can tell whose key opens it; seal it again with bti"
                )
            else:
                message = _(
                    "the case is sealed for {reader}, but {reader} is not in people.yaml — nobody "
                    "can tell whose key opens it; seal it again with bti"
                )
            found.append(LEAK.violation(message.format(reader=reader), (*block, "readers", i)))
        else:
            keys[reader] = key
    for i, reader in enumerate(readers):
        if state and reader in gone:
            continue
        if reader != SERVER and reader in keys and reader not in may_read:
            services = ", ".join(working_services(case, ctx)) if opened.readable else ""
            if services:
                message = _(
                    "the case is sealed for {reader}, who may not read it (the services that may "
                    "read it: {services}) — a leak; bti seals a case only for its readers, so "
                    "write it with bti"
                )
            else:
                message = _(
                    "the case is sealed for {reader}, who may not read it — a leak; bti seals a "
                    "case only for its readers, so write it with bti"
                )
            found.append(
                LEAK.violation(
                    message.format(reader=reader, services=services), (*block, "readers", i)
                )
            )
    others = sorted({s.type for s in wrapped_for if s.type != "ssh-ed25519"})
    if others:
        found.append(
            LEAK.violation(
                _(
                    "the case's key is wrapped for a kind of key bti never seals to ({kinds}) — "
                    "someone outside the readers may open it"
                ).format(kinds=", ".join(others)),
                (*block, "key"),
            )
        )
    expected = Counter(key_tag(k) for k in keys.values())
    got = Counter(s.args[0] for s in wrapped_for if s.type == "ssh-ed25519" and s.args)
    # A listed reader's key replaced in people.yaml (bti person set) while the case is still
    # wrapped to the key they had: not an outsider, but the old key may be on a lost laptop. The
    # case waits for its next write (a warning); a change that keeps that stanza is refused.
    stale = _replaced(readers, keys, got - expected, expected - got, ctx)
    for reader in stale:
        expected[key_tag(keys[reader])] -= 1
        expected[_former_tag(reader, got, ctx)] += 1
    expected = +expected
    if state and gone:  # their stanzas, whose keys people.yaml may no longer hold
        unexplained = got - expected
        extra_gone = sum(1 for r in gone if r not in keys)
        if sum(unexplained.values()) <= extra_gone and not (expected - got):
            got = expected
    if not others and got != expected:
        extra = sum((got - expected).values())
        lacking = sum((expected - got).values())
        extra_text = ngettext(
            "{n} key not among the readers listed", "{n} keys not among the readers listed", extra
        ).format(n=extra)
        lacking_text = ngettext(
            "{n} listed reader it is not wrapped for",
            "{n} listed readers it is not wrapped for",
            lacking,
        ).format(n=lacking)
        if extra and lacking:
            message = _(
                "the case's key does not match its list of readers: {extra} and {lacking} — "
                "someone outside the list may open it; seal it again with bti"
            ).format(extra=extra_text, lacking=lacking_text)
        else:
            message = _(
                "the case's key does not match its list of readers: {what} — someone outside the "
                "list may open it; seal it again with bti"
            ).format(what=extra_text if extra else lacking_text)
        found.append(LEAK.violation(message, (*block, "key")))
    if stale and not others and got == expected:
        who = ", ".join(stale)
        if state:
            found.append(
                BEHIND.violation(
                    _(
                        "still sealed to the replaced key of {who} — the next change made with bti "
                        "renews the case's key ('bti seal' does it for every case you can read)"
                    ).format(who=who),
                    (*block, "key"),
                )
            )
        else:
            found.append(
                NOT_RENEWED.violation(
                    _(
                        "the key of {who} was replaced in people.yaml, but the case is still "
                        "sealed to the old one — whoever holds it (a lost laptop) would open what "
                        "is written now; write the case with bti, which renews the key"
                    ).format(who=who),
                    (*block, "key"),
                )
            )
    if ctx.config.server_key and SERVER not in readers:
        found.append(
            NO_SERVER.violation(
                _(
                    "the case is not sealed for the server, so the server cannot judge its rules "
                    "— write it with bti, which seals every case for the server's key too"
                ),
                (*block, "readers"),
            )
        )
    elif not opened.readable and ring.server:
        found.append(
            BROKEN.violation(
                _(
                    "the server's key does not open the case, so the server cannot judge it — a "
                    "case is sealed for the server named in bti.yaml; write it with bti (on the "
                    "server, 'bti hooks install --server' sets up the server's key)"
                ),
                (*block, "key"),
            )
        )
    elif SERVER in readers and not opened.readable and ring.holds(ctx.config.server_key):
        found.append(
            BROKEN.violation(
                _(
                    "the case's key does not open with the server's key although the server is "
                    "listed as a reader — seal it again with bti"
                ),
                (*block, "key"),
            )
        )
    if (
        before is not None
        and before.readable
        and opened.readable
        and before.data_key == opened.data_key
    ):
        dropped = tags(before) - tags(opened)
        if dropped:
            gone = sorted(set(before.readers) - set(readers))
            if gone:
                message = _(
                    "{who} can no longer read the case, but it keeps the key they could open — "
                    "what is written now would still open with it; bti renews the key when a "
                    "reader is taken off (write the case with bti)"
                ).format(who=", ".join(gone))
            else:
                message = _(
                    "a reader's replaced key can no longer read the case, but the case keeps the "
                    "key it could open — what is written now would still open with it; bti renews "
                    "the key when a reader is taken off (write the case with bti)"
                )
            found.append(NOT_RENEWED.violation(message, (*block, "key")))
    if state and opened.readable:
        behind = missing(case, opened, ctx)
        if behind:
            found.append(
                BEHIND.violation(
                    _(
                        "not yet readable by {readers} — the next change made with bti seals it "
                        "for them ('bti seal' does it for every case you can read)"
                    ).format(readers=", ".join(behind)),
                    (*block, "readers"),
                )
            )
    return found


def server_key_problems(config: Config, ring: Keyring) -> list[Violation]:
    """On the server: bti.yaml may turn sealing on only for a server key the server holds.
    Otherwise every case written from then on would be sealed for a key the server cannot use,
    and none of its rules could be judged here."""
    if not ring.server or config.sealing != "on" or ring.holds(config.server_key):
        return []
    return [
        NO_SERVER.violation(
            _(
                "bti.yaml names a server key this server does not hold: cases sealed for it could "
                "not be judged here — server_key is the public key 'bti hooks install --server' "
                "printed"
            ),
            ("server_key",),
            path="bti.yaml",
        ).at("bti.yaml", 1, 1)
    ]
