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
            f"{public} cannot be read: bti needs the public key beside {private}",
            hint=f"make it again with: ssh-keygen -y -f {private} > {public}",
        ) from None
    try:
        return normalise_key(text)
    except SignatureError as err:
        raise InputError(
            f"{public} is not usable for signing: {err}",
            hint="bti signs with ed25519 keys; make one with 'bti key init --key-file NEW_PATH'",
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
            "ssh-keygen is not installed, so bti cannot make a key",
            hint="install OpenSSH (the ssh client), then run 'bti key init' again",
        ) from None
    if result.returncode != 0:
        raise Refused(f"ssh-keygen could not make a key: {result.stderr.strip()}")


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
            f"the key cannot be used: {err}",
            hint="paste the line 'bti key init' printed, e.g. --key 'ssh-ed25519 AAAA… you@x'",
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
                f"that key is registered for {person.email}; each person signs with their own",
                hint="the person runs 'bti key init' on their own machine and sends that key",
            )
        if any(former.key == key for former in person.former_keys):
            raise Refused(
                f"that key was replaced for {person.email} and is never registered again",
                hint="make a new key with 'bti key init --key-file NEW_PATH'",
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
                f"'{value}' is neither a public key (ssh-ed25519 AAAA…) nor a readable key file",
                hint="give the line 'bti hooks install --server' printed, or the .pub file",
            ) from None
    return parse_key(text)
