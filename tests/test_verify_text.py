"""What ``badgeclaim verify`` prints: the report's codes and values worded in French or English, times zoned."""

from __future__ import annotations

from badgeclaim.cli.verify_text import render_report
from claims.openbadges.verify_report import NO_BADGE, OB2, FormatResult, Problem, VerificationReport
from ob_support import Issuing


async def revoked_report(issuing: Issuing) -> VerificationReport:
    award_id = await issuing.award()
    png = await issuing.png(award_id)
    await issuing.revoke(award_id)
    return await issuing.verify(png)


async def test_revoked_badge_reads_in_french(issuing: Issuing):
    text = render_report(await revoked_report(issuing), "fr", "Europe/Paris")
    assert "- badge révoqué" in text and text.endswith("Résultat : badge NON valide")


async def test_revoked_badge_reads_in_english(issuing: Issuing):
    text = render_report(await revoked_report(issuing), "en", "Europe/Paris")
    assert "- badge revoked" in text and text.endswith("Result: badge NOT valid")


async def test_valid_badge_shows_its_facts_and_verdict(issuing: Issuing):
    report = await issuing.verify(await issuing.png(await issuing.award()))
    text = render_report(report, "fr", "Europe/Paris")
    assert "OB 2.0 (hosted) : valide" in text and "OB 3.0 (eddsa-rdfc-2022) : valide" in text
    assert "  Délivré le : 12 juin 2026 à 12:00 (heure : France)" in text
    assert text.endswith("Résultat : badge valide")


def test_issue_time_is_shown_in_the_zone_given(now):
    report = VerificationReport(ob2=FormatResult(OB2, "hosted", issued_on=now))
    assert "Issued on: June 12, 2026 at 06:00 (" in render_report(report, "en", "America/New_York")


def test_a_file_problem_keeps_its_technical_detail():
    report = VerificationReport(file_problems=[Problem(None, NO_BADGE, "no iTXt chunk")])
    assert render_report(report, "fr", "Europe/Paris").splitlines() == [
        "- aucun badge dans ce fichier (no iTXt chunk)", "Résultat : badge NON valide",
    ]
