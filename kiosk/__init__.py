"""aiohttp web app: kiosk and phone claim pages, public badge pages and JSON, organiser pages, the JSON API."""
