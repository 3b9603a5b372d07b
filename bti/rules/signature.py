"""BTI03x: identity is a signature, not an author line.

Anyone can type an author email; only the holder of a private key can sign. Every commit after the
switch-on (the first commit whose parent's bti.yaml says `rules.signatures: required` or `warn`) must
be signed by the key the directory in force registers for the commit's author email.

"The directory in force" is the one of the commit's parent (and of the branch it lands on: the
judge asks under both). A committer date is forgeable, so a key's `replaced` date decides nothing:
after the rotation commit only the new key is in force, and the commits before it were judged under
the directory that held the old key. The former keys stay in people.yaml so the story stays
readable, and so a commit signed with one is named for what it is (BTI032), not as a stranger's.

While the directory is empty (the bootstrap) nobody has a key yet, and nothing is judged.
"""

from __future__ import annotations

from dataclasses import replace

from bti.i18n import N_, _
from bti.models import Directory, Person
from bti.rules.core import Rule, Violation, declare
from bti.signatures import SignatureError, SigningSetup, verify_commit

UNSIGNED = declare(
    "BTI030", "error", N_("every commit after signatures were switched on is signed"), "commit"
)
NOT_AUTHORS_KEY = declare(
    "BTI031",
    "error",
    N_("a commit is signed by the key registered in people.yaml for its author email"),
    "commit",
)
FORMER_KEY = declare(
    "BTI032",
    "error",
    N_("a commit is never signed by a key that was replaced or removed from people.yaml"),
    "commit",
)
BAD_SIGNATURE = declare(
    "BTI033",
    "error",
    N_("a commit's signature verifies (an SSH ed25519 signature for git)"),
    "commit",
)
NO_KEY = declare(
    "BTI034",
    "error",
    N_("a person who commits has a public key registered in people.yaml"),
    "commit",
)
NOT_SET_UP = declare(
    "BTI035",
    "error",
    N_("this clone signs commits with the key registered for you (checked before committing)"),
    "commit",
)


def _fix() -> str:
    return _("run 'bti key init' in your clone and have a leader register the key it prints")


def _register_hint(email: str) -> str:
    return _(
        "a leader registers your key: bti person set {email} --key 'ssh-ed25519 AAAA…'"
    ).format(email=email)


def _as(setting: str, found: list[Violation]) -> list[Violation]:
    return [replace(v, severity="warning") for v in found] if setting == "warn" else found


def _owner(people: Directory, key: str) -> tuple[Person | None, Person | None]:
    """Who holds `key` now, and who held it before a rotation."""
    current = next((p for p in people.people if p.key == key), None)
    former = next((p for p in people.people if any(f.key == key for f in p.former_keys)), None)
    return current, former


def signature_problems(
    raw_commit: bytes, author: str, people: Directory, setting: str, path: str = ""
) -> list[Violation]:
    """Is the commit object `raw_commit` signed by `author`'s key in `people` (the directory in
    force)? Nothing is judged when `setting` is off or nobody is in the directory yet."""
    if setting == "off" or not people.people:
        return []
    author = author.lower()
    try:
        signature = verify_commit(raw_commit)
    except SignatureError as err:
        message = _("its signature cannot be read ({problem})").format(problem=err)
        return _as(setting, [_bad(BAD_SIGNATURE, message, path)])
    if signature is None:
        message = _("the commit by {author} is not signed — every commit is; {fix}").format(
            author=author, fix=_fix()
        )
        return _as(setting, [_bad(UNSIGNED, message, path)])
    if not signature.valid:
        message = _(
            "the commit by {author} has a signature that does not verify: {problem} — sign it "
            "again; {fix}"
        ).format(author=author, problem=signature.detail, fix=_fix())
        return _as(setting, [_bad(BAD_SIGNATURE, message, path)])
    key = signature.key_text
    person = people.get(author)
    if person is not None and person.key == key:
        return []
    current, former = _owner(people, key)
    if current is not None:
        message = _(
            "the commit claims {author} as its author but is signed with the key of {owner} — "
            "each person commits with their own key; {fix}"
        ).format(author=author, owner=current.email, fix=_fix())
        return _as(setting, [_bad(NOT_AUTHORS_KEY, message, path)])
    if former is not None:
        message = _(
            "the commit by {author} is signed with a key that was replaced for {owner} — it "
            "signs nothing any more; sign with the registered key ({fix})"
        ).format(author=author, owner=former.email, fix=_fix())
        return _as(setting, [_bad(FORMER_KEY, message, path)])
    if person is None:
        return []  # BTI010: outside the directory nobody changes anything, signed or not
    if person.key is None:
        message = _(
            "{author} has no key in people.yaml, so their commits cannot be trusted — {hint}"
        ).format(author=author, hint=_register_hint(author))
        return _as(setting, [_bad(NO_KEY, message, path)])
    message = _(
        "the commit by {author} is signed with a key people.yaml does not hold (a removed "
        "person's, or one never registered) — {fix}"
    ).format(author=author, fix=_fix())
    return _as(setting, [_bad(NOT_AUTHORS_KEY, message, path)])


def setup_problems(
    setup: SigningSetup, author: str, people: Directory, setting: str, path: str = ""
) -> list[Violation]:
    """Before a commit exists (the commands, pre-commit): will git sign it with `author`'s
    registered key? Said early, so the server does not refuse a whole push later."""
    if setting == "off" or not people.people:
        return []
    person = people.get(author)
    if person is None:
        return []  # BTI010 says it: outside the directory nobody changes anything
    if person.key is None:
        message = _(
            "you ({email}) have no key in people.yaml, so you cannot commit — {hint}"
        ).format(email=person.email, hint=_register_hint(person.email))
        return _as(setting, [_bad(NO_KEY, message, path)])
    if not setup.gpgsign or setup.format != "ssh" or setup.key is None:
        why = setup.problem or _("git is not set up to sign your commits with an SSH key")
        message = _("{problem} — {fix}").format(problem=why, fix=_fix())
        return _as(setting, [_bad(NOT_SET_UP, message, path)])
    if setup.key != person.key:
        message = _(
            "git signs with {key}, which is not the key people.yaml holds for {email} — run "
            "'bti key init' again, or ask a leader to register this key"
        ).format(key=setup.key_path, email=person.email)
        return _as(setting, [_bad(NOT_SET_UP, message, path)])
    return []


def _bad(rule: Rule, message: str, path: str) -> Violation:
    return rule.violation(message, path=path)
