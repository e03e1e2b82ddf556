"""The README keeps up with the code: every setting and every command is documented there."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import click

from badgeclaim.cli import cli
from badgeclaim.settings import PREFIX, Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path + " "))
        else:
            paths.append(path)
    return paths


def test_every_setting_is_in_the_readme():
    missing = [PREFIX + f.name.upper() for f in fields(Settings) if PREFIX + f.name.upper() not in README]
    assert not missing


def test_every_command_is_in_the_readme():
    missing = [path for path in command_paths(cli) if f"badgeclaim {path}" not in README]
    assert not missing


def test_readme_shows_the_test_command():
    assert "pip install '.[test]'" in README and "pytest" in README
