"""Identity is a signature: SSHSIG verification against real ssh-keygen and git signatures, the
BTI03x rules, `bti key init`, `bti person set --key`, and the switch-on of an existing repository."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bti import signatures
from bti.models import Directory, FormerKey, Person
from bti.rules.signature import signature_problems
from tests.conftest import HOLDER, LEADER, NURSE, Bti, git, git_env, key_file, public_key


def _signed_commit(repo: Path, who: str, message: str = "x") -> bytes:
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", message, env=git_env(who))
    return git_raw(repo, "HEAD")


def git_raw(repo: Path, rev: str) -> bytes:
    return subprocess.run(
        ["git", "cat-file", "commit", rev], cwd=repo, capture_output=True, check=True
    ).stdout


# -- the pure module -----------------------------------------------------------------------------


def test_a_git_signed_commit_verifies_and_names_its_key(git_repo: Path) -> None:
    raw = _signed_commit(git_repo, HOLDER)
    found = signatures.verify_commit(raw)
    assert found is not None and found.valid
    assert found.key_text == signatures.normalise_key(public_key(HOLDER))


def test_a_changed_commit_does_not_verify(git_repo: Path) -> None:
    raw = _signed_commit(git_repo, HOLDER, "original")
    found = signatures.verify_commit(raw.replace(b"original", b"changed!"))
    assert found is not None and not found.valid


def test_an_unsigned_commit_has_no_signature(git_repo: Path) -> None:
    git(git_repo, "commit", "-q", "--allow-empty", "-m", "x", env=git_env(HOLDER, signed=False))
    assert signatures.verify_commit(git_raw(git_repo, "HEAD")) is None


def test_ssh_keygen_signatures_verify_in_their_namespace_only(tmp_path: Path) -> None:
    data = tmp_path / "payload"
    data.write_bytes(b"tree 0\nauthor a\n\nhei\n")
    for space in ("git", "file"):
        subprocess.run(
            ["ssh-keygen", "-q", "-Y", "sign", "-f", str(key_file(NURSE)), "-n", space, str(data)],
            check=True,
            capture_output=True,
        )
        armored = (tmp_path / "payload.sig").read_bytes()
        (tmp_path / "payload.sig").unlink()
        assert signatures.verify(data.read_bytes(), armored).valid is (space == "git")


@pytest.mark.parametrize(
    "text", ["", "ssh-rsa AAAAB3NzaC1yc2E", "ssh-ed25519 not-base64!", "ssh-ed25519 AAAA"]
)
def test_keys_that_are_not_ed25519_are_refused(text: str) -> None:
    with pytest.raises(signatures.SignatureError):
        signatures.normalise_key(text)


def test_damaged_armour_is_a_signature_error() -> None:
    raw = b"tree 1\ngpgsig -----BEGIN SSH SIGNATURE-----\n AAAA!!\n -----END SSH SIGNATURE-----\n\nm\n"
    with pytest.raises(signatures.SignatureError):
        signatures.verify_commit(raw)


# -- the rules -----------------------------------------------------------------------------------


def _directory(**former: str) -> Directory:
    people = [
        Person(email=email, name="X", service="skole", roles=["holder"], key=public_key(email))
        for email in (LEADER, HOLDER)
    ]
    people.append(Person(email=NURSE, name="Y", service="skole", roles=["holder"]))
    if former:
        people[1] = people[1].model_copy(
            update={"former_keys": [FormerKey(key=former["key"], replaced="2026-11-01")]}
        )
    return Directory(people=people)


def _codes(raw: bytes, author: str, people: Directory, setting: str = "required") -> list[str]:
    return [f"{v.code} {v.severity}" for v in signature_problems(raw, author, people, setting)]


def test_the_rules_name_each_way_a_signature_fails(git_repo: Path) -> None:
    people = _directory()
    by_holder = _signed_commit(git_repo, HOLDER)
    assert _codes(by_holder, HOLDER, people) == []
    assert _codes(by_holder, LEADER, people) == ["BTI031 error"]  # another person's key
    assert _codes(by_holder, NURSE, people) == ["BTI031 error"]
    assert _codes(_signed_commit(git_repo, NURSE), NURSE, people) == ["BTI034 error"]
    assert _codes(_signed_commit(git_repo, "x@y.no"), HOLDER, people) == ["BTI031 error"]
    unsigned = by_holder.replace(b"gpgsig", b"nosig")
    assert _codes(unsigned, HOLDER, people)[0] in ("BTI030 error", "BTI033 error")
    assert _codes(by_holder, LEADER, people, "warn") == ["BTI031 warning"]
    assert _codes(by_holder, LEADER, people, "off") == []
    assert _codes(by_holder, LEADER, Directory(), "required") == []  # the bootstrap


def test_a_replaced_key_signs_nothing(git_repo: Path) -> None:
    old = public_key(HOLDER)
    people = _directory(key=old)
    rotated = people.model_copy(
        update={
            "people": [
                p.model_copy(update={"key": public_key("new@fjordvik.example")})
                if p.email == HOLDER
                else p
                for p in people.people
            ]
        }
    )
    assert _codes(_signed_commit(git_repo, HOLDER), HOLDER, rotated) == ["BTI032 error"]


# -- the commands --------------------------------------------------------------------------------


def test_key_init_makes_a_key_configures_git_and_prints_the_leaders_line(repo: Bti) -> None:
    result = repo("key", "init", who=HOLDER)
    assert result.exit_code == 0, result.output
    home_key = Path.home() / ".ssh" / "id_ed25519"
    assert home_key.exists() and "made a new key" in result.output
    public = signatures.normalise_key(home_key.with_name("id_ed25519.pub").read_text())
    assert f"bti person set {HOLDER} --key '{public}'" in result.output
    assert git(repo.cwd, "config", "--local", "commit.gpgsign").strip() == "true"
    assert git(repo.cwd, "config", "--local", "gpg.format").strip() == "ssh"
    again = repo("key", "init", who=HOLDER)
    assert "using your key" in again.output


def test_person_set_rotates_a_key_and_keeps_the_old_one(repo: Bti, tmp_path: Path) -> None:
    new = tmp_path / "new"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(new)], check=True)
    line = new.with_name("new.pub").read_text()
    repo.ok("person", "set", HOLDER, "--key", line)
    people = (repo.cwd / "people.yaml").read_text()
    assert signatures.normalise_key(line) in people
    assert "former_keys" in people and signatures.normalise_key(public_key(HOLDER)) in people
    refused = repo("person", "set", NURSE, "--key", public_key(LEADER))
    assert refused.exit_code == 1 and "registered for" in refused.output
    bad = repo("person", "set", NURSE, "--key", "ssh-rsa AAAA")
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    by_holder = repo("person", "set", NURSE, "--key", line, who=HOLDER)
    assert by_holder.exit_code == 1


def test_pre_commit_says_early_when_signing_is_not_set_up(repo: Bti) -> None:
    (repo.cwd / "README.md").write_text("Hei\n")
    git(repo.cwd, "add", "README.md")
    unsigned = {**git_env(LEADER, signed=False), "GIT_CONFIG_COUNT": "0"}
    result = subprocess.run(
        ["git", "commit", "-q", "-m", "readme"],
        cwd=repo.cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **unsigned},
    )
    assert result.returncode != 0 and "BTI035 error" in result.stderr, result.stderr
    assert "bti key init" in result.stderr


# -- switching on an existing repository --------------------------------------------------------


def test_commits_before_the_switch_on_are_not_judged(repo: Bti) -> None:
    config = repo.cwd / "bti.yaml"
    config.write_text(config.read_text().replace("signatures: required", "signatures: off"))
    git(repo.cwd, "commit", "-qam", "bti.yaml: signatures off", env=git_env(LEADER))
    (repo.cwd / "README.md").write_text("Hei\n")
    git(repo.cwd, "add", "README.md")
    unsigned = {**git_env(LEADER, signed=False), "GIT_CONFIG_COUNT": "0"}
    git(repo.cwd, "commit", "-qm", "readme, unsigned", env=unsigned)
    config.write_text(config.read_text().replace("signatures: off", "signatures: required"))
    git(repo.cwd, "commit", "-qam", "bti.yaml: signatures required", env=unsigned)
    before = repo("audit", "verify", "--format", "json")
    assert before.exit_code == 0, before.output
    (repo.cwd / "README.md").write_text("Hei igjen\n")
    git(repo.cwd, "commit", "-qam", "readme again", "--no-verify", env=unsigned)
    after = repo("audit", "verify", "--format", "json")
    found = json.loads(after.stdout)
    assert after.exit_code == 1 and [v["code"] for v in found] == ["BTI030"], after.output
