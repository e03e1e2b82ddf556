"""``badgeclaim demo``: a ready sample issuer, badge, event and codes in a fresh data dir, with one claim made."""

from __future__ import annotations

import asyncio
import io
import math
import socket
import sys
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import click

from badgeclaim.cli.codes import render_csv, render_pdf, write_atomically
from badgeclaim.cli.language import translate
from badgeclaim.cli.root import CliContext, CliError, cli, utcnow
from badgeclaim.cli.serve import HOST_HELP, PORT_HELP, run_server
from badgeclaim.cli.setup import initialise
from badgeclaim.settings import Settings
from claims.codes import claim_link, format_code
from claims.i18n import N_

pass_cli = click.make_pass_decorator(CliContext)


@dataclass(frozen=True)
class DemoRun:
    badge_id: str
    event_id: str
    cards: list[str]
    poster: str
    award_id: str
    kiosk_url: str
    files: dict[str, bytes]


def demo_badge_image(size: int = 400) -> bytes:
    """A round badge drawn with Pillow and the printed cards' font, so the demo needs no files of its own."""
    from PIL import Image, ImageDraw, ImageFont
    from qr.fonts import BOLD, font_file

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    for step in range(int(centre), 0, -2):  # a radial gradient, blue to teal
        t = step / centre
        colour = (int(20 + 20 * t), int(150 - 60 * t), int(160 + 60 * t), 255)
        draw.ellipse([centre - step, centre - step, centre + step, centre + step], fill=colour)
    star = [(centre + radius * math.cos(math.radians(-90 + 36 * i)),
             centre * 0.8 + radius * math.sin(math.radians(-90 + 36 * i)))
            for i, radius in enumerate([0.48 * centre, 0.19 * centre] * 5)]
    draw.polygon(star, fill=(255, 215, 64, 255))
    # Two French lines on the lower rim, each shrunk until it fits the disc at its height.
    for text, top, height in (("Explorateur", 0.66, 0.11), ("Journée Open Badges", 0.80, 0.065)):
        room = 2 * math.sqrt(centre ** 2 - (size * (top + height) - centre) ** 2) * 0.86
        font_size = int(size * height)
        font = ImageFont.truetype(font_file(BOLD), font_size)
        while font.getlength(text) > room and font_size > 6:
            font_size -= 1
            font = ImageFont.truetype(font_file(BOLD), font_size)
        draw.text((centre, size * (top + height / 2)), text, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# Written into every folder the demo makes: only a folder carrying it is ever emptied by the demo.
DEMO_MARKER = ".badgeclaim-demo"
DEMO_FILES = {DEMO_MARKER, "secret_key", "cards.pdf", "poster.pdf", "codes.csv", "demo-badge.png"}


def prepare_demo_folder(data_dir: Path, language: str) -> None:
    """A folder for the demo: made anew, or cleared of an earlier demo's files when one made it (its marker).

    Anything else (an organiser's real data folder, files a person put there) is never touched.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise CliError(N_("{path} is a file, not a folder: choose another --data-dir"), path=data_dir)
    if data_dir.is_dir() and any(data_dir.iterdir()):
        if not (data_dir / DEMO_MARKER).is_file():
            raise CliError(N_("{path} was not made by `badgeclaim demo` and is not empty: nothing was touched; "
                              "choose another --data-dir"), path=data_dir)
        click.echo(translate(language, N_("Replacing the previous demo in {path}"), path=data_dir), err=True)
        # Only what a demo writes goes: a file a person added to the folder since stays.
        for path in data_dir.iterdir():
            if path.is_file() and (path.name in DEMO_FILES or path.name.startswith("badgeclaim.sqlite3")):
                path.unlink()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / DEMO_MARKER).write_text("made by `badgeclaim demo`; the next demo run may replace this folder\n")
    except OSError as exc:
        raise CliError(N_("cannot write the file {path} ({reason})"), path=data_dir, reason=exc.strerror or exc) from None


def lan_address() -> str:
    """This machine's address on its network, as a phone on the same Wi-Fi reaches it (loopback if none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # Connecting a UDP socket sends nothing; it only picks the interface a packet would leave by.
            probe.connect(("192.0.2.1", 9))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def demo_public_url(settings: Settings) -> str:
    """BADGECLAIM_PUBLIC_URL when set; else the address this demo serves on, the LAN one for --host 0.0.0.0."""
    if settings.public_url != Settings().public_url:
        return settings.public_url
    host = lan_address() if settings.host in ("0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}"


@cli.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("badgeclaim-demo"),
              show_default=True, help="Folder for the demo's database and files: made anew; an earlier demo's folder is replaced, "
                   "any other non-empty folder is refused.")
@click.option("--serve/--no-serve", "then_serve", default=True, show_default=True,
              help="Serve the demo once it is built, or only build it (for scripts and tests).")
@click.option("--host", help=HOST_HELP)
@click.option("--port", type=click.IntRange(1, 65535), help=PORT_HELP)
@pass_cli
def demo(cli_ctx: CliContext, data_dir: Path, then_serve: bool, host: str | None, port: int | None) -> None:
    """Make a ready sample: issuer, badge, event, 12 printable codes, a poster code, a kiosk and one claimed badge; then serve it.

    Everything goes into a fresh --data-dir (its earlier demo database is replaced): the database,
    cards.pdf, poster.pdf, codes.csv and the baked badge demo-badge.png. Prints what it made and where,
    the claim link of one card with its QR code drawn in the terminal, then serves until Ctrl-C.

    To claim with your phone: run `badgeclaim demo --host 0.0.0.0` with the phone on the same Wi-Fi network
    as this machine, and scan the QR code shown (the links then use this machine's network address, unless
    BADGECLAIM_PUBLIC_URL says otherwise).
    """
    from badgeclaim.database import create_engine, create_sessionmaker
    from claims.awards import baked_award_image
    from claims.context import IssuingContext
    from claims.kiosks import create_kiosk, kiosk_url
    from claims.organising import claim_window, create_badge_class, create_codes, create_event
    from claims.redemption import Recipient, redeem_code

    data_dir = data_dir.resolve()
    lang = cli_ctx.language
    prepare_demo_folder(data_dir, lang)
    settings = replace(cli_ctx.settings, data_dir=data_dir, database_url="", secret_key="",
                       host=host or cli_ctx.settings.host, port=port or cli_ctx.settings.port)
    settings = replace(settings, public_url=demo_public_url(settings)).with_secret_key(create=True)
    demo_ctx = CliContext(settings)
    now = utcnow()
    click.echo(translate(lang, N_("Demo data in {path}"), path=data_dir), err=True)

    issuer = asyncio.run(initialise(
        demo_ctx, name="Atelier Canopé (démo)", url="https://www.reseau-canope.fr",
        email="badges-demo@example.org", image=None, now=now,
    ))

    async def build() -> DemoRun:
        engine = create_engine(settings.effective_database_url)
        try:
            sessions = create_sessionmaker(engine)
            async with sessions.begin() as session:
                badge = await create_badge_class(
                    session, issuer, name="Explorateur des badges ouverts",
                    description="A découvert les Open Badges lors d'une journée de démonstration.",
                    criteria="Participer à l'atelier de démonstration et scanner son code.",
                    image=demo_badge_image(), now=now,
                )
                event = await create_event(
                    session, issuer, name="Journée Open Badges (démo)", starts_at=now - timedelta(minutes=30),
                    ends_at=now + timedelta(hours=8), place="Poitiers", timezone=settings.timezone, now=now,
                )
                cards = await create_codes(session, event, badge, count=12, now=now)
                poster = await create_codes(session, event, badge, max_claims=500, now=now)
                _, kiosk_token = await create_kiosk(session, event.id, now, display_code=None, actor="demo",
                                                    label="demo")
                window = claim_window(event, None, None)
                files = {
                    "cards.pdf": render_pdf(demo_ctx, event, badge, cards, multi=False, target="web",
                                            page_size="A4", per_page=12, valid=window),
                    "poster.pdf": render_pdf(demo_ctx, event, badge, poster, multi=True, target="web",
                                             page_size="A4", per_page=1, valid=window),
                    "codes.csv": render_csv(demo_ctx, cards + poster, "web"),
                }
            issuing = IssuingContext(settings.public_url, settings.secret_key, settings.ob2_verification == "signed")
            async with sessions.begin() as session:
                result = await redeem_code(session, cards[0], Recipient(email="camille@example.org", name="Camille"),
                                           now, channel="cli", issuing=issuing)
            async with sessions() as session:
                _, files["demo-badge.png"] = await baked_award_image(session, result.award.id, issuing)
            return DemoRun(str(badge.id), str(event.id), cards, poster[0], str(result.award.id),
                           kiosk_url(settings.public_url, kiosk_token), files)
        finally:
            await engine.dispose()

    made = asyncio.run(build())
    for name, data in made.files.items():
        write_atomically(data_dir / name, data)
    badge_png = data_dir / "demo-badge.png"
    rows = [
        (N_("Issuer"), str(issuer.id)),
        (N_("Badge"), made.badge_id),
        (N_("Event"), made.event_id),
        (N_("Single-use codes"), f"{len(made.cards)} → {data_dir / 'cards.pdf'}"),
        (N_("Poster code (500 people)"), f"{format_code(made.poster)} → {data_dir / 'poster.pdf'}"),
        (N_("Award given to Camille"), made.award_id),
        (N_("Baked badge image"), str(badge_png)),
        (N_("Verify it"), f"BADGECLAIM_DATA_DIR={data_dir} badgeclaim verify {badge_png}"),
        (N_("Claim a badge"),
         f"BADGECLAIM_DATA_DIR={data_dir} badgeclaim claim {format_code(made.cards[1])} --email "
         + translate(lang, N_("you@example.org"))),
        (N_("Link printed on a card"), claim_link(made.cards[2], public_url=settings.public_url)),
        (N_("Kiosk (open it on a tablet or a laptop with a camera)"), made.kiosk_url),
    ]
    lines = [(translate(lang, label), value) for label, value in rows]
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        click.echo(f"{label.ljust(width)}  {value}")
    click.echo("\n" + translate(lang, N_("To use this data: export BADGECLAIM_DATA_DIR={path}"), path=data_dir))
    import segno  # only the demo draws a QR in the terminal

    phone_url = claim_link(made.cards[3], public_url=settings.public_url)
    click.echo("\n" + translate(lang, N_("Claim this badge with a phone: {url}"), url=phone_url))
    segno.make(phone_url, error="m").terminal(out=sys.stdout, compact=True)
    if settings.host in ("127.0.0.1", "localhost", "::1"):
        click.echo(translate(lang, N_("For a phone on the same Wi-Fi network: {command}"),
                             command="badgeclaim demo --host 0.0.0.0"))
    if then_serve:
        sys.exit(run_server(settings))
