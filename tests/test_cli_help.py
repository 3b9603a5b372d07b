"""Every command's --help ends with real examples, and every example names a real command and
options that command has (issue 13)."""

from __future__ import annotations

import shlex

import click
import pytest
from click.testing import CliRunner

from bti.cli import main
from bti.cli.examples import EXAMPLES, commands


def test_every_command_has_examples() -> None:
    missing = [path for path in commands(main) if not EXAMPLES.get(path)]
    assert not missing, f"commands without examples in bti/cli/examples.py: {missing}"
    unknown = sorted(set(EXAMPLES) - set(commands(main)))
    assert not unknown, f"examples for commands that do not exist: {unknown}"


@pytest.mark.parametrize("path", sorted(EXAMPLES))
def test_each_example_is_a_real_command_line(path: str) -> None:
    command: click.Command = main
    for part in path.split():
        assert isinstance(command, click.Group)
        command = command.commands[part]
    options = {opt for p in command.params for opt in p.opts}
    for line in EXAMPLES[path]:
        words = shlex.split(line.split("   #")[0].split(" > ")[0])
        if words[0] != "bti":
            continue  # what git runs
        assert words[1 : 1 + len(path.split())] == path.split(), line
        for word in words:
            if word.startswith("--"):
                assert word in options, f"{line}: {word} is not an option of bti {path}"
    result = CliRunner().invoke(main, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().splitlines()[-1].strip() in {
        f"  {x}".strip() for x in EXAMPLES[path]
    }
    assert "Examples:" in result.output
