"""Setting a person up to sign: their ed25519 key, and git in the case repository signing with it.

`bti key init` uses the key a person already has (~/.ssh/id_ed25519) or makes one with ssh-keygen,
then tells git in this clone (its local config, not the person's global one: other repositories are
not bti's to change) to sign every commit with it. A leader then registers the public key in
people.yaml (`bti person set EMAIL --key …`); from then on the server accepts that person's commits.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bti import gitrepo
from bti.errors import InputError, Refused
from bti.i18n import _
from bti.signatures import SignatureError, fingerprint, normalise_key

if TYPE_CHECKING:
    from bti.models import Directory


@dataclass(frozen=True)
class KeySetup:
    private: Path
    public: str  # normalised: `ssh-ed25519 AAAA…`
    made: bool  # a new key was made


def default_key() -> Path:
    return Path.home() / ".ssh" / "id_ed25519"


def read_public(private: Path) -> str:
    """The public key beside the private key file `private` (its `.pub`)."""
    public = private.with_name(private.name + ".pub")
    try:
        text = public.read_text("utf-8", errors="replace")
    except OSError:
        raise InputError(
            _("{public} cannot be read: bti needs the public key beside {private}").format(
                public=public, private=private
            ),
            hint=_("make it again with: ssh-keygen -y -f {private} > {public}").format(
                public=public, private=private
            ),
        ) from None
    try:
        return normalise_key(text)
    except SignatureError as err:
        raise InputError(
            _("{public} is not usable for signing: {reason}").format(public=public, reason=err),
            hint=_("bti signs with ed25519 keys; make one with 'bti key init --key-file NEW_PATH'"),
        ) from None


def make_key(private: Path, comment: str) -> None:
    """A new ed25519 key without a passphrase prompt here (a person may add one later with
    `ssh-keygen -p`, and git then asks ssh-agent)."""
    private.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        result = subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(private)],
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        raise Refused(
            _("ssh-keygen is not installed, so bti cannot make a key"),
            hint=_("install OpenSSH (the ssh client), then run 'bti key init' again"),
        ) from None
    if result.returncode != 0:
        raise Refused(
            _("ssh-keygen could not make a key: {reason}").format(reason=result.stderr.strip())
        )


def init_key(root: Path, email: str, key_file: Path | None = None) -> KeySetup:
    """Use (or make) the key at `key_file` (default ~/.ssh/id_ed25519) and configure git in the
    repository at `root` to sign every commit with it."""
    private = (key_file or default_key()).expanduser()
    made = False
    if not private.exists():
        make_key(private, email)
        made = True
    public = read_public(private)
    gitrepo.config_set(root, "gpg.format", "ssh")
    gitrepo.config_set(root, "user.signingkey", str(private))
    gitrepo.config_set(root, "commit.gpgsign", "true")
    return KeySetup(private, public, made)


def describe(key: str) -> str:
    return fingerprint(key)


def parse_key(text: str) -> str:
    """A public key as a person pastes it (`ssh-ed25519 AAAA… comment`), normalised."""
    try:
        return normalise_key(text)
    except SignatureError as err:
        raise InputError(
            _("the key cannot be used: {reason}").format(reason=err),
            hint=_("paste the line 'bti key init' printed, e.g. --key 'ssh-ed25519 AAAA… you@x'"),
        ) from None


def with_key(directory: Directory, email: str, key: str, today: dt.date) -> Directory:
    """`directory` with `key` registered for `email`. A rotation keeps the replaced key, with the
    day, under `former_keys`, so the story of who signed what stays readable. A key belongs to
    one person only, and a replaced key is never registered again (it may have leaked)."""
    from bti.models import FormerKey

    email = email.lower()
    for person in directory.people:
        if person.email != email and person.key == key:
            raise Refused(
                _("that key is registered for {email}; each person signs with their own").format(
                    email=person.email
                ),
                hint=_("the person runs 'bti key init' on their own machine and sends that key"),
            )
        if any(former.key == key for former in person.former_keys):
            raise Refused(
                _("that key was replaced for {email} and is never registered again").format(
                    email=person.email
                ),
                hint=_("make a new key with 'bti key init --key-file NEW_PATH'"),
            )
    people = []
    for person in directory.people:
        if person.email == email and person.key != key:
            former = list(person.former_keys)
            if person.key is not None:
                former.append(FormerKey(key=person.key, replaced=today))
            person = person.model_copy(update={"key": key, "former_keys": former})
        people.append(person)
    return directory.model_copy(update={"people": people})


def public_key_argument(value: str) -> str:
    """A public key given on the command line: the key itself, or the path of a .pub file."""
    text = value.strip()
    if not text.startswith("ssh-"):
        path = Path(text).expanduser()
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            raise InputError(
                _(
                    "'{value}' is neither a public key (ssh-ed25519 AAAA…) nor a readable key file"
                ).format(value=value),
                hint=_("give the line 'bti hooks install --server' printed, or the .pub file"),
            ) from None
    return parse_key(text)
