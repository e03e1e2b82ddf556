"""The phone claim page, with everything it makes the phone load except the badge image, weighs ≤ 50 KB."""

from __future__ import annotations

from html.parser import HTMLParser

BUDGET = 50 * 1024


class Resources(HTMLParser):
    """What a browser fetches for a page: stylesheets, scripts, icons and images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "link" and values.get("rel") in ("stylesheet", "icon", "preload", "manifest"):
            self.urls.append((tag, values["href"]))
        elif tag in ("script", "img") and values.get("src"):
            self.urls.append((tag, values["src"]))


async def page_weight(site, path: str) -> tuple[int, list[str]]:
    """(bytes of the page and all it loads but the badge image, the URLs counted)."""
    response = await site.client.get(path)
    assert response.status == 200
    page = await response.read()
    parser = Resources()
    parser.feed(page.decode("utf-8"))
    total, counted = len(page), [path]
    for tag, url in parser.urls:
        if tag == "img" and "/image" in url:
            continue  # the badge image: the one thing the budget leaves out
        body = await (await site.client.get(url)).read()
        total += len(body)
        counted.append(url)
    return total, counted


async def test_the_claim_page_and_all_it_loads_weigh_at_most_50_kb(site):
    [code] = await site.codes(count=1)
    total, counted = await page_weight(site, f"/c/{code}")
    print(f"claim page weight: {total} bytes over {counted}")
    assert any(".css" in url for url in counted) and any(".js" in url for url in counted)
    assert total <= BUDGET


async def test_the_page_after_the_claim_weighs_at_most_50_kb_without_the_badge(site):
    [code] = await site.codes(count=1)
    location = (await site.page_claim(code)).headers["Location"]
    response = await site.client.get(location)
    parser = Resources()
    parser.feed(await response.text())
    total = len(await response.read())
    for tag, url in parser.urls:
        if tag != "img":
            total += len(await (await site.client.get(url)).read())
    assert total <= BUDGET
