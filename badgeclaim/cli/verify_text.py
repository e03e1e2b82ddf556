"""The words of ``badgeclaim verify``: a verification report, in the reader's language and time zone."""

from __future__ import annotations

from claims.i18n import N_, format_when, gettext
from claims.openbadges import verify_report as codes
from claims.openbadges.verify_report import FormatResult, Problem, VerificationReport

_PROBLEMS: dict[str, str] = {
    codes.UNREADABLE: N_("unreadable file"),
    codes.NO_BADGE: N_("no badge in this file"),
    codes.MALFORMED: N_("malformed document"),
    codes.UNSUPPORTED: N_("unsupported form"),
    codes.DOCUMENT_UNAVAILABLE: N_("document not available"),
    codes.MISMATCH: N_("differs from the published document"),
    codes.SIGNATURE_INVALID: N_("invalid signature"),
    codes.KEY_UNTRUSTED: N_("key not recognised by the issuer"),
    codes.ISSUER_MISMATCH: N_("issuer mismatch"),
    codes.REVOKED: N_("badge revoked"),
    codes.EXPIRED: N_("badge expired"),
    codes.NOT_YET_VALID: N_("badge not valid yet"),
    codes.STATUS_INVALID: N_("invalid status list"),
}
_FORMATS = {codes.OB2: "OB 2.0", codes.OB3: "OB 3.0"}


def render_report(report: VerificationReport, language: str, timezone: str) -> str:
    """Lines for a person: each format found, its facts and problems, then the verdict."""
    lines = [_problem_line(problem, language) for problem in report.file_problems]
    for result in (report.ob2, report.ob3):
        if result is not None:
            lines.extend(_format_lines(result, language, timezone))
    verdict = N_("Result: valid badge") if report.ok else N_("Result: badge NOT valid")
    lines.append(gettext(language, verdict))
    return "\n".join(lines)


def _format_lines(result: FormatResult, language: str, timezone: str) -> list[str]:
    state = N_("{format} ({method}): valid") if result.ok else N_("{format} ({method}): invalid")
    lines = [gettext(language, state).format(format=_FORMATS.get(result.format, result.format), method=result.method)]
    facts = (
        (N_("Badge: {value}"), result.badge_name),
        (N_("Issuer: {value}"), result.issuer_name),
        (N_("Issued on: {value}"), result.issued_on and format_when(result.issued_on, language, timezone)),
        (N_("Expires on: {value}"), result.expires and format_when(result.expires, language, timezone)),
    )
    lines.extend("  " + gettext(language, label).format(value=value) for label, value in facts if value)
    lines.extend("  " + _problem_line(problem, language) for problem in result.problems)
    return lines


def _problem_line(problem: Problem, language: str) -> str:
    # The detail is technical (what exactly failed, in English) and stays as the verifier wrote it.
    words = gettext(language, _PROBLEMS[problem.code]) if problem.code in _PROBLEMS else problem.code
    return f"- {words} ({problem.detail})" if problem.detail else f"- {words}"
