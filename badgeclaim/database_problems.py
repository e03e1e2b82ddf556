"""Why a configured database cannot be used: stable codes, and reading them off the errors drivers raise.

Kept apart from badgeclaim.database so that the command line can word these without importing SQLAlchemy
at start-up.
"""

from __future__ import annotations

BAD_URL = "bad_url"
UNKNOWN_DIALECT = "unknown_dialect"
MISSING_DRIVER = "missing_driver"
UNREACHABLE = "unreachable"
NO_DATABASE = "no_database"
REFUSED = "refused"
NOT_INITIALISED = "not_initialised"


class DatabaseProblem(Exception):
    """The configured database cannot be used: ``reason`` is one of the codes above, ``detail`` technical."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def explain(error: BaseException) -> DatabaseProblem | None:
    """What a failure met while connecting or querying says about the database, if it says anything."""
    if isinstance(error, DatabaseProblem):
        return error
    from sqlalchemy import exc as sa_exc  # only on the way out of a failure: start-up stays light

    text = str(error)
    lowered = text.lower()
    if isinstance(error, (ConnectionError, TimeoutError, OSError)) and not isinstance(error, sa_exc.SQLAlchemyError):
        return DatabaseProblem(UNREACHABLE, text)
    if isinstance(error, sa_exc.DBAPIError):
        original = getattr(error, "orig", None)
        if isinstance(original, (ConnectionError, TimeoutError, OSError)) or "connection refused" in lowered:
            return DatabaseProblem(UNREACHABLE, text.splitlines()[0])
        if 'database "' in lowered and "does not exist" in lowered:
            return DatabaseProblem(NO_DATABASE, text.splitlines()[0])
        if "role" in lowered and "does not exist" in lowered or "password authentication failed" in lowered:
            return DatabaseProblem(REFUSED, text.splitlines()[0])
        if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
            return DatabaseProblem(NOT_INITIALISED, text.splitlines()[0])
        if "unable to open database file" in lowered:
            return DatabaseProblem(UNREACHABLE, text.splitlines()[0])
    return None


