"""`serve` in a process of its own with the stand-in web app, as `badgeclaim serve` runs it; prints READY when up."""

from __future__ import annotations

import sys

from badgeclaim.cli.serve import run_server
from badgeclaim.settings import load_settings
from serve_support import stand_in_app

if __name__ == "__main__":
    sys.exit(run_server(load_settings(), app_factory=stand_in_app,
                        on_ready=lambda listening: print("READY", listening.url, flush=True)))
