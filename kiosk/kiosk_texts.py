"""Every word the kiosk page shows, in both languages at once, so its French/English toggle needs no reload."""

from __future__ import annotations

from claims.i18n import LANGUAGES, N_, gettext

# key -> English msgid. kiosk.js reads these keys from the page's JSON data block; a key it asks for and
# this table lacks shows as the key itself, which the browser tests would see.
KIOSK_TEXTS: dict[str, str] = {
    # The toggle names the other language in that language: the reader who needs it can read it.
    "language_name": N_("English"),
    "page_title": N_("Badge kiosk"),
    # Attract screen and the three ways in.
    "attract_title": N_("Show your card"),
    "attract_hint": N_("Hold the QR code of your card up to the camera."),
    "scanner_hint": N_("You can also pass your card under the scanner."),
    "camera_label": N_("Camera picture"),
    "camera_starting": N_("Starting the camera…"),
    "camera_missing": N_("No camera here: use the scanner or type your code."),
    "badges_on_offer": N_("Badge handed out here"),
    "type_code": N_("Type my code"),
    "code_label": N_("Code printed on your card"),
    "code_hint": N_("15 letters and digits, for example 7KQM3-XTPW9-RDHJ2"),
    "continue": N_("Continue"),
    "cancel": N_("Cancel"),
    "foreign_qr": N_("This QR code is not a badge card. Show the QR code printed on your card."),
    # Form.
    "form_title": N_("Your badge, almost ready"),
    "form_intro": N_("Your name and e-mail are optional: you can skip them."),
    "form_intro_name_only": N_("Your name is optional: you can skip it."),
    "name_label": N_("Your name"),
    "email_label": N_("Your e-mail"),
    "optional": N_("(optional)"),
    "name_hint": N_("Shown on your badge's public page."),
    "email_hint": N_("We send the badge to this address, and your backpack recognises you by it."),
    "stored": N_("We keep your name and e-mail only to issue this badge; the badge itself holds a scrambled form of "
                 "the e-mail, never the address."),
    "skip": N_("Skip"),
    "get_badge": N_("Get my badge"),
    "sending": N_("Getting your badge…"),
    "retrying": N_("Network problem, retrying…"),
    # Badge.
    "badge_title": N_("Your badge is ready"),
    "badge_alt": N_("Badge image: %(badge)s"),
    "download_hint": N_("Scan this QR code with your phone to download your badge."),
    "download_qr_alt": N_("QR code to download your badge"),
    "emailed": N_("Sent to your inbox."),
    "done": N_("Done"),
    "idle_countdown": N_("This screen clears itself in %(seconds)s s."),
    # Closed, display mode, errors.
    "closed_title": N_("Kiosk closed"),
    "closed_text": N_("This kiosk is no longer in service. Ask the organisers."),
    "display_title": N_("Scan with your phone to get your badge"),
    "display_hint": N_("The QR code changes every minute: a photo of it soon stops working."),
    "display_qr_alt": N_("QR code to get the badge on your phone"),
    "error_title": N_("That did not work"),
    "try_again": N_("Try again"),
    "error_unknown_code": N_("This code does not exist. Check it, or ask the organiser for another one."),
    "error_code_typo": N_("This code has a typo: check it character by character."),
    "error_code_used": N_("This code has already been used."),
    "error_code_expired": N_("This code is no longer valid."),
    "error_code_not_yet_valid": N_("This code is not valid yet."),
    "error_code_inactive": N_("This code has been deactivated by the organiser."),
    "error_event_closed": N_("The event is closed: badges are no longer handed out."),
    "error_display_only": N_("This code is claimed by scanning the QR code on the screen."),
    "error_invalid_email": N_("This e-mail address does not look right: check it, or leave it empty."),
    "error_invalid_input": N_("Invalid value."),
    "error_rate_limited": N_("Too many tries at this kiosk: wait a minute, then try again."),
    "error_kiosk_closed": N_("This kiosk is no longer in service. Ask the organisers."),
    "error_other": N_("Something went wrong. Ask the organisers for help."),
}


def kiosk_texts() -> dict[str, dict[str, str]]:
    """{"fr": {key: text}, "en": {key: text}}: the page embeds both and switches language without a reload."""
    return {language: {key: gettext(language, msgid) for key, msgid in KIOSK_TEXTS.items()} for language in LANGUAGES}
