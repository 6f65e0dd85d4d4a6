"""OCR: words recovered from scans, pages per second, a scanned PDF ingested and asked about.

Four measurements, in one run:

1. Generated scans (``tests/scans.py``): pages of SciFact abstracts set in
   three fonts at 150, 200 and 300 dpi, lightly degraded like a flatbed scan,
   wrapped in PDFs without a text layer and read through the PDF loader
   (render at ``ocr.dpi``, then OCR). Word recovery: the share of the page's
   words OCR gives back (each counted as often as it occurs).
2. Real pages scanned: the first pages of sec10q 10-Q reports (text and
   tables) rendered to 200 dpi images, degraded the same way, read back and
   compared with their own text layer.
3. A 20-page scanned PDF ingested with ``rag ingest``'s code into a fresh
   store (embedding included), and a question about one page asked through
   the chain: is that page cited?
4. The page image of the UI's preview: a text page and a scanned page
   rendered with the quoted sentence highlighted.

With ``--rapidocr`` (and ``rapidocr-onnxruntime`` installed) the generated
scans are also read by RapidOCR, for the engine comparison.

Usage::

    .venv/bin/python bench/ocr_bench.py [--pages-per-font 2] [--rapidocr]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.readers import load_file  # noqa: E402
from ingest.readers.ocr import TesseractOcr  # noqa: E402
from tests.scans import FONTS, scan_image, scanned_pdf, word_recall  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench" / "results" / "ocr.json"
DPIS = (150, 200, 300)
LEASE_PAGE = """Lease summary: warehouse, 14 Harbour Road

The lease of the Harbour Road warehouse began on 1 March 2019 and ends on 28 February 2029.
The tenant, Northwind Traders Ltd, pays a rent of 4,250 pounds a month, in advance, on the
first working day of each month. The rent is reviewed every five years in line with the
retail price index.

Either party may end the lease early after 28 February 2024 by giving six months notice in
writing. The tenant insures the building against fire and flood and sends the landlord a copy
of the policy each year.

The landlord repairs the roof, the outer walls and the drains; the tenant keeps the inside in
good repair, repaints it every seven years and returns the keys on the last day of the lease.
The deposit of 12,750 pounds is held by the landlord's solicitors and returned within thirty
days after the keys, less the cost of any repairs the tenant owes."""
"""The page the bench's question is about, set among pages of abstracts."""

PAGE_WORDS = 300
"""Words on a generated page: a full A4 page of 11 pt text (the widest font's lines)."""


def abstracts(count: int, skip: int = 0) -> list[str]:
    """Pages of :data:`PAGE_WORDS` words of SciFact abstracts, after the first ``skip``."""
    pages, words = [], []
    with (DATA / "scifact" / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            words += json.loads(line)["text"].split()
            if len(words) >= PAGE_WORDS:
                pages.append(" ".join(words[:PAGE_WORDS]))
                words = []
            if len(pages) == skip + count:
                break
    return pages[skip:]


def read_pdf(path: Path, ocr: TesseractOcr) -> tuple[list[str], float]:
    """Each page's text through the PDF loader, and the seconds it took."""
    started = time.perf_counter()
    texts = [page.text for page in load_file(path, ocr=ocr).pages]
    return texts, time.perf_counter() - started


def generated(ocr: TesseractOcr, per_font: int, work: Path, rapid: object | None) -> dict:
    """Word recovery and seconds per page on generated scans, per dpi."""
    texts = abstracts(per_font * len(FONTS))
    results = {}
    for dpi in DPIS:
        images = [scan_image(text, dpi=dpi, font=font, seed=n)
                  for n, (text, font) in enumerate(zip(texts, [f for f in FONTS
                                                                for _ in range(per_font)],
                                                       strict=True))]
        read, seconds = read_pdf(scanned_pdf(work / f"gen{dpi}.pdf", images, dpi), ocr)
        recalls = [word_recall(t, r) for t, r in zip(texts, read, strict=True)]
        row = {"pages": len(texts), "recall_mean": statistics.fmean(recalls),
               "recall_min": min(recalls), "s_per_page": seconds / len(texts)}
        if rapid is not None:
            started = time.perf_counter()
            got = [" ".join(r[1] for r in (rapid(image)[0] or [])) for image in images]
            row["rapidocr_s_per_page"] = (time.perf_counter() - started) / len(texts)
            row["rapidocr_recall_mean"] = statistics.fmean(
                word_recall(t, g) for t, g in zip(texts, got, strict=True))
        results[dpi] = row
        print(f"generated {dpi} dpi", {k: round(v, 3) for k, v in row.items()}, file=sys.stderr)
    return results


def real_pages(ocr: TesseractOcr, work: Path, files: int = 3, pages: int = 3) -> dict:
    """Word recovery on real 10-Q pages rendered to 200 dpi scans."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    recalls, seconds, count = [], 0.0, 0
    for pdf in sorted((DATA / "sec10q" / "docs").glob("*.pdf"))[:files]:
        doc = pdfium.PdfDocument(str(pdf))
        truth, images = [], []
        for index in range(pages):
            page = doc[index]
            truth.append(page.get_textpage().get_text_range())
            image = page.render(scale=200 / 72, grayscale=True).to_pil()
            images.append(image.rotate(0.4, fillcolor=255).filter(ImageFilter.GaussianBlur(0.5)))
        doc.close()
        read, spent = read_pdf(scanned_pdf(work / f"real-{pdf.stem}.pdf", images, 200), ocr)
        recalls += [word_recall(t, r) for t, r in zip(truth, read, strict=True)]
        seconds += spent
        count += len(images)
    row = {"pages": count, "recall_mean": statistics.fmean(recalls), "recall_min": min(recalls),
           "s_per_page": seconds / count}
    print("real 10-Q pages", {k: round(v, 3) for k, v in row.items()}, file=sys.stderr)
    return row


def ingest_and_ask(work: Path, pages: int = 20) -> dict:
    """Ingest a ``pages``-page scanned PDF into a fresh store; ask about one page."""
    from ingest import ingest_paths
    from rag.chain import ask
    from rag.settings import Settings

    texts = abstracts(pages, skip=50)
    target = pages // 2
    texts[target] = LEASE_PAGE
    folder = work / "scans"
    folder.mkdir()
    scanned_pdf(folder / "scanned.pdf",
                [scan_image(t, dpi=200, seed=n) for n, t in enumerate(texts)], 200)
    settings = Settings(store={"path": work / "store"})
    started = time.perf_counter()
    report = ingest_paths([folder], settings)
    ingest_s = time.perf_counter() - started
    entry = report.entries[0]
    answer = ask("When does the Harbour Road warehouse lease end?", settings=settings)
    cited = sorted({s.page for s in answer.sources[:1]})
    row = {"pages": pages, "ingest_s": ingest_s, "ocr_pages": len(entry.ocr_pages),
           "chunks": entry.chunks, "pages_per_s": pages / ingest_s,
           "question_page": target + 1, "first_source_page": cited[0] if cited else None,
           "answer": answer.text}
    print("ingest", row, file=sys.stderr)
    return row


def preview(ocr: TesseractOcr, work: Path) -> dict:
    """Seconds to picture a text page and a scanned page with a quoted sentence highlighted."""
    from PIL import ImageChops

    from rag.ui.page_image import render_page

    report = DATA / "sec10q" / "docs" / "2022 Q3 AAPL.pdf"
    cases = (
        ("text_page", report, 10, None, "Services net sales include sales from the Company's "
         "advertising, AppleCare, cloud, digital content, payment and other services."),
        ("scanned_page", work / "scans" / "scanned.pdf", 11, ocr,
         "The lease of the Harbour Road warehouse began on 1 March 2019 and ends on "
         "28 February 2029."),
    )
    results = {}
    for name, path, page, engine, sentence in cases:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            shown = render_page(path, page, [sentence], ocr=engine)
            runs.append(time.perf_counter() - started)
        plain = render_page(path, page, [], ocr=engine)
        results[f"{name}_s"] = statistics.median(runs)
        results[f"{name}_highlighted"] = ImageChops.difference(shown, plain).getbbox() is not None
    print("preview", results, file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages-per-font", type=int, default=2)
    parser.add_argument("--rapidocr", action="store_true",
                        help="Also read the generated scans with rapidocr-onnxruntime.")
    args = parser.parse_args()
    rapid = None
    if args.rapidocr:
        from rapidocr_onnxruntime import RapidOCR

        rapid = RapidOCR()
    ocr = TesseractOcr()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = {
            "generated": generated(ocr, args.pages_per_font, work, rapid),
            "real_10q_pages": real_pages(ocr, work),
            "scanned_pdf": ingest_and_ask(work),
            "preview": preview(ocr, work),
        }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("| Scans | pages | words recovered (mean / min) | s per page |")
    print("|---|---|---|---|")
    for dpi, row in results["generated"].items():
        print(f"| generated, {dpi} dpi | {row['pages']} | {row['recall_mean']:.3f} / "
              f"{row['recall_min']:.3f} | {row['s_per_page']:.2f} |")
    real = results["real_10q_pages"]
    print(f"| 10-Q pages, 200 dpi | {real['pages']} | {real['recall_mean']:.3f} / "
          f"{real['recall_min']:.3f} | {real['s_per_page']:.2f} |")
    scan = results["scanned_pdf"]
    print(f"\n{scan['pages']}-page scanned PDF: ingested in {scan['ingest_s']:.1f} s "
          f"({scan['pages_per_s']:.2f} pages/s, {scan['ocr_pages']} pages read by OCR, "
          f"{scan['chunks']} chunks); question about page {scan['question_page']}: "
          f"first source page {scan['first_source_page']}")
    print(f"answer: {scan['answer']}")
    shown = results["preview"]
    print(f"preview render: text page {shown['text_page_s']:.3f} s (sentence highlighted: "
          f"{shown['text_page_highlighted']}), scanned page {shown['scanned_page_s']:.2f} s "
          f"(highlighted: {shown['scanned_page_highlighted']})")


if __name__ == "__main__":
    main()
