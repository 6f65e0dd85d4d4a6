"""Web UI latency: page load, time to answer, and the cited page's picture, in a real browser.

Starts the app in-process with the real models loaded lazily (as ``rag ui``
does), over a small corpus (the project's docs, a two-page PDF and a real
10-Q report from ``../shared/data/sec10q``), and drives Debian's Chromium
with Playwright. After the questions of each visit, the last answer's first
citation is picked in the page preview and timed until its picture has
loaded. Prints one Markdown table.

Usage: ``.venv/bin/python bench/ui_bench.py``
"""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BOT = "#chat .message.bot:not(.pending)"  # answers, not the "loading" bubble
QUESTIONS = [
    "Who keeps the lighthouse of Quenta?",
    "How many steps does the lighthouse have?",
    "What were Apple's total net sales for the three months ended June 25, 2022?",
]
REPORT = ROOT.parent / "shared" / "data" / "sec10q" / "docs" / "2022 Q3 AAPL.pdf"
"""A real report: its pages are full pages of text and tables."""
PICTURE_LOADED = (
    "(() => { const img = document.querySelector('#preview-image img');"
    " return img !== null && img.complete && img.naturalWidth > 0; })()"
)


def _corpus(folder: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in (
        "Welcome to the Quenta visitor guide. The old town has narrow streets.",
        (
            "The lighthouse of Quenta is kept by Maribel Oster. She climbs its 212 steps "
            "every evening."
        ),
    ):
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(folder / "quenta-guide.pdf"))
    shutil.copyfile(REPORT, folder / REPORT.name)
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        if doc.is_file():
            (folder / doc.name).write_text(doc.read_text(encoding="utf-8"), encoding="utf-8")


def _picture_shown(page, visit: str) -> tuple[str, float]:  # noqa: ANN001 - playwright Page
    """Pick the last answer's first citation in the page preview; time until its picture loads."""
    page.locator("#preview-pick input").click()
    option = page.get_by_role("option").first
    label = option.inner_text().strip()
    started = time.perf_counter()
    option.click()
    page.wait_for_function(PICTURE_LOADED, timeout=60_000)
    return f"{visit} visit: picture of the cited page ({label})", time.perf_counter() - started


def main() -> None:
    from rag.models import ensure_offline

    ensure_offline()
    from playwright.sync_api import sync_playwright

    from ingest import ingest_paths
    from rag.settings import Settings
    from rag.ui import build_app, launch

    root = Path(tempfile.mkdtemp(prefix="ui-bench-"))
    (root / "docs").mkdir()
    _corpus(root / "docs")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(store={"path": str(root / "data")}, ui={"port": port})
    ingest_paths([root / "docs"], settings)  # its own process-local models, then released

    rows: list[tuple[str, float]] = []
    started = time.perf_counter()
    demo = build_app(settings)  # nothing loaded yet: models load on first use
    launch(demo, settings, prevent_thread_lock=True, quiet=True)
    rows.append(("server start (build + launch)", time.perf_counter() - started))
    url = f"http://127.0.0.1:{port}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for visit in ("first", "second"):
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            t0 = time.perf_counter()
            page.goto(url)
            page.locator("#question textarea").wait_for()
            rows.append((f"{visit} page load: chat box usable", time.perf_counter() - t0))
            page.locator("#scope input").click()
            page.get_by_role("option").first.wait_for(timeout=120_000)
            page.keyboard.press("Escape")
            rows.append((f"{visit} page load: file list filled", time.perf_counter() - t0))
            for n, question in enumerate(QUESTIONS, start=1):
                box = page.locator("#question textarea")
                box.fill(question)
                before = page.locator(BOT).count()
                t1 = time.perf_counter()
                box.press("Enter")
                page.wait_for_function(
                    f"([before]) => {{ const m = document.querySelectorAll('{BOT}');"
                    " return m.length > before && m[m.length - 1].innerText.trim().length > 0; }",
                    arg=[before],
                    timeout=300_000,
                )
                first = time.perf_counter() - t1
                page.wait_for_function(
                    f"document.querySelector('#chat').innerText.split('Sources (').length > {n}",
                    timeout=300_000,
                )
                done = time.perf_counter() - t1
                rows.append((f"{visit} visit, question {n}: first words", first))
                rows.append((f"{visit} visit, question {n}: answer and sources", done))
            rows.append(_picture_shown(page, visit))
            page.close()
        browser.close()
    demo.close()
    print("| step | seconds |\n|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
