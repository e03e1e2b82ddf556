"""``badgeclaim demo``: a ready sample issuer, badge, event and codes in a fresh data dir, with one claim made."""

from __future__ import annotations

import asyncio
import io
import math
import shutil
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import click
from PIL import Image, ImageDraw, ImageFont

from badgeclaim.cli.codes import render_csv, render_pdf, write_atomically
from badgeclaim.cli.language import translate
from badgeclaim.cli.root import CliContext, cli, utcnow
from badgeclaim.cli.setup import initialise
from badgeclaim.database import create_engine, create_sessionmaker
from claims.codes import claim_link, format_code
from claims.context import IssuingContext
from claims.i18n import N_
from claims.openbadges.issuing import baked_award_png
from claims.organising import claim_window, create_badge_class, create_codes, create_event
from claims.redemption import Recipient, redeem_code

pass_cli = click.make_pass_decorator(CliContext)


@dataclass(frozen=True)
class DemoRun:
    badge_id: str
    event_id: str
    cards: list[str]
    poster: str
    award_id: str
    files: dict[str, bytes]


def demo_badge_image(size: int = 400) -> bytes:
    """A round badge drawn with Pillow, so the demo needs no files of its own."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    for step in range(int(centre), 0, -2):  # a radial gradient, blue to teal
        t = step / centre
        colour = (int(20 + 20 * t), int(150 - 60 * t), int(160 + 60 * t), 255)
        draw.ellipse([centre - step, centre - step, centre + step, centre + step], fill=colour)
    points = [(centre + 0.62 * centre * math.cos(math.radians(-90 + 72 * i * 2)),
               centre + 0.62 * centre * math.sin(math.radians(-90 + 72 * i * 2))) for i in range(5)]
    draw.polygon(points, fill=(255, 215, 64, 255))
    font = ImageFont.load_default(size=size // 10)
    # "BADGE" reads the same in French and English, and Pillow's built-in font has no accented capitals.
    draw.text((centre, size * 0.86), "BADGE", fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@cli.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("badgeclaim-demo"),
              show_default=True, help="Folder for the demo's database and files (made anew each run).")
@pass_cli
def demo(cli_ctx: CliContext, data_dir: Path) -> None:
    """Make a ready sample: issuer, badge, event, 12 printable codes, a poster code, and one claimed badge.

    Everything goes into a fresh --data-dir (its earlier demo database is replaced): the database,
    cards.pdf, poster.pdf, codes.csv and the baked badge demo-badge.png. Prints what it made and where.
    """
    data_dir = data_dir.resolve()
    if data_dir.exists():
        if not (data_dir / "badgeclaim.sqlite3").exists() and any(data_dir.iterdir()):
            raise click.UsageError(translate(
                cli_ctx.language, N_("{path} exists and is not a badgeclaim demo folder; choose another --data-dir"),
                path=data_dir))
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    settings = replace(cli_ctx.settings, data_dir=data_dir, database_url="", secret_key="").with_secret_key()
    demo_ctx = CliContext(settings)
    lang = settings.language
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
                    ends_at=now + timedelta(hours=8), place="Poitiers", now=now,
                )
                cards = await create_codes(session, event, badge, count=12, now=now)
                poster = await create_codes(session, event, badge, max_claims=500, now=now)
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
                files["demo-badge.png"] = await baked_award_png(session, result.award.id, public_url=settings.public_url)
            return DemoRun(str(badge.id), str(event.id), cards, poster[0], str(result.award.id), files)
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
    ]
    lines = [(translate(lang, label), value) for label, value in rows]
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        click.echo(f"{label.ljust(width)}  {value}")
    click.echo("\n" + translate(lang, N_("To use this data: export BADGECLAIM_DATA_DIR={path}"), path=data_dir))
