"""The ``badgeclaim`` command line (DESIGN.md §4); each module registers one family of commands on the group."""

from badgeclaim.cli import awards, codes, demo, kiosks, organisers, privacy, serve, setup  # noqa: F401  (registers them)
from badgeclaim.cli.root import cli


def main() -> None:
    cli(prog_name="badgeclaim")
