"""The app in a real browser: Playwright driving Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
README_SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "img" / "ui.png"
YELLOW_PIXELS = """img => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let yellow = 0;
    for (let i = 0; i < rgba.length; i += 4) if (rgba[i] - rgba[i + 2] > 60) yellow++;
    return yellow;
}"""
"""Counts the highlighted pixels of an <img> (page ink is gray: only the highlight is yellow)."""


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium (`make browser` installs it); never Playwright's download."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install -y chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def test_question_in_the_browser_shows_answer_and_paged_source(
    live_app, browser, tmp_path: Path, record_property
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url else None)
    page.goto(live_app.url)
    box = page.locator("#question textarea")
    box.wait_for(timeout=30_000)
    # the page load event fills the scope filter from the index
    page.locator("#scope input").click()
    page.get_by_role("option", name="quenta-guide.pdf").wait_for(timeout=30_000)
    page.keyboard.press("Escape")

    box.fill("Who keeps the lighthouse of Quenta?")
    box.press("Enter")

    page.wait_for_function(
        "document.querySelector('#sources').innerText.includes('quenta-guide.pdf')",
        timeout=120_000,
    )
    answer = page.locator("#chat .message.bot").first
    assert answer.inner_text().strip()
    # the bundled model quotes: each quote set apart, with its file:page
    quote = answer.locator("blockquote").first
    assert "— quenta-guide.pdf:2" in quote.inner_text(), answer.inner_html()
    cells = page.evaluate(
        """() => Array.from(document.querySelectorAll('#sources [role=row].virtual-row'))
            .map(r => Array.from(r.querySelectorAll('[role=gridcell]'))
                .map(c => c.innerText.trim()))"""
    )
    assert ["quenta-guide.pdf", "2"] in [c[1:3] for c in cells], cells

    # the answer's own sources: a closed accordion in the chat, opened on click
    panel = page.locator("#chat").get_by_text("Sources (", exact=False).first
    panel.click()
    page.locator("#chat").get_by_text("quenta-guide.pdf, page 2", exact=False).wait_for()

    # preview the cited page: a picture of the PDF page, the quote highlighted
    page.locator("#preview-pick input").click()
    picked = time.perf_counter()
    page.get_by_role("option", name="quenta-guide.pdf, page 2").first.click()
    page.wait_for_function(
        "(() => { const img = document.querySelector('#preview-image img');"
        " return img !== null && img.complete && img.naturalWidth > 0; })()",
        timeout=60_000,
    )
    seconds = time.perf_counter() - picked
    record_property("preview_image_seconds", round(seconds, 3))  # for the benchmarks
    print(f"page picture shown {seconds:.2f} s after picking the citation")
    picture = page.locator("#preview-image img")
    assert picture.is_visible()
    assert picture.evaluate("img => img.naturalWidth") > 0
    assert picture.evaluate(YELLOW_PIXELS) > 0  # the quote is highlighted
    assert not page.locator("#preview").is_visible()  # the text preview is for files without pages

    picture.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "ui.png"), full_page=True)
    if os.environ.get("UPDATE_README_SCREENSHOT"):  # refresh the README's picture on request
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / "ui.png", README_SCREENSHOT)
    assert (tmp_path / "ui.png").stat().st_size > 10_000

    # the documents tab names the collection's embedding model; two files are too few to tune
    page.get_by_role("tab", name="Documents").click()
    page.locator("#model-line").get_by_text("Embedding model: all-MiniLM-L6-v2").wait_for()
    assert page.locator("#go-back").is_disabled()  # nothing tuned to go back from
    page.locator("#adapt").click()
    page.locator("#tune-status").get_by_text("tuning needs at least 200", exact=False).wait_for(
        timeout=60_000
    )
    assert page.locator("#adapt").is_enabled()
    assert outside == []  # nothing left the machine
    page.close()
