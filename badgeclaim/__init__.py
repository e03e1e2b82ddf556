"""Composition root: settings, the database, the command line; wires claims, qr, kiosk and bot together."""
