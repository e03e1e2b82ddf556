"""The ``badgeclaim`` command line (DESIGN.md §4); each module registers one family of commands on the group."""

from badgeclaim.cli import (  # noqa: F401  (registers the commands)
    awards, codes, console_accounts, demo, kiosks, organisers, privacy, serve, setup,
)
from badgeclaim.cli.root import cli


def main() -> None:
    cli(prog_name="badgeclaim")
