"""``python -m badgeclaim``: the same command line as ``badgeclaim``."""

from badgeclaim.cli import main

main()
