"""aiohttp web app: kiosk and phone claim pages, public badge pages and JSON, organiser pages, the JSON API."""

from kiosk.app import create_app
from kiosk.config import WebConfig

__all__ = ["WebConfig", "create_app"]
