"""Our own bank of simple documents, and the one rule that says whether an answer is right.

:func:`write_bank` writes small invented documents of everyday shapes into a
folder: Markdown (a heading right above its paragraph, setext titles, a FAQ,
numbered steps, a glossary, a price table, bullet lists, a key-value form),
hard-wrapped plain text, a short note left for someone, a receipt, a menu and
tables lined up with spaces (:mod:`tests.answers.bank_lists`), a mail, minutes, a
recipe, a changelog and a product page (:mod:`tests.answers.bank_everyday`),
reStructuredText, an HTML page with its navigation and footer, a DOCX with headings
and a table, and PDFs (two pages, a running header with page numbers, two columns,
a TrueType font with ligatures and hyphenated line ends, a financial table, a
scanned page without a text layer). Every document is made on the spot with the
real libraries (fpdf2, python-docx, Pillow through :mod:`tests.scans`); names,
places and figures are invented so no model knows them.

``bank_questions.json`` (next to this module) asks about them: plain questions
whose answer is stated in one place (``expect``: what a right answer's first
lines hold) and near-miss questions the documents do not answer (``abstain``).
Every third question of a shape is ``held_out``: kept aside, never tuned on.

:func:`judge` is the one rule the bench (``bench/bank_bench.py``) and the test
(``tests/answers/test_bank.py``) share: an answerable question is answered
right "in the first lines" when the short fact or the first quote holds every
expected phrase (case-insensitive, whitespace collapsed; ligatures and
hyphenated line ends are not undone: the product must give readable words).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

from tests.answers.bank_everyday import EVERYDAY_TEXTS
from tests.answers.bank_lists import LIST_TEXTS

__all__ = ["ABSTAINED", "ANSWERED", "LATER", "NOT_FOUND", "QUESTIONS", "RIGHT", "WRONG", "judge",
           "load_questions", "normalise", "result_of", "tally", "write_bank"]

QUESTIONS = Path(__file__).with_name("bank_questions.json")
"""The bank's questions."""

RIGHT, LATER, WRONG, NOT_FOUND = "right", "later", "wrong", "not_found"
ABSTAINED, ANSWERED = "abstained", "answered"
"""Verdicts: answerable questions (right in the first lines, right only in a later quote,
wrong, "not found"); near-miss questions (abstained, answered)."""

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"),
              Path("/usr/share/fonts/dejavu"))


# --- the judge ------------------------------------------------------------------------------


def normalise(text: str | None) -> str:
    """Lower case, runs of whitespace as one space.

    Example:
        >>> normalise("  Net sales\\n  $81,797 ")
        'net sales $81,797'
    """
    return " ".join((text or "").split()).lower()


def _holds(text: str | None, expect: Sequence[str]) -> bool:
    flat = normalise(text)
    return bool(flat) and all(normalise(phrase) in flat for phrase in expect)


def judge(entry: dict, short: str | None, quotes: Sequence[str], not_found: bool) -> str:
    """The verdict on one answer to the bank question ``entry``.

    Example:
        >>> q = {"expect": ["1871"]}
        >>> judge(q, None, ["It was built in 1871 by Tobias Wren."], False)
        'right'
        >>> judge(q, None, ["It stands on Pell Island.", "It was built in 1871."], False)
        'later'
        >>> judge(q, None, [], True), judge({"abstain": True}, None, [], True)
        ('not_found', 'abstained')
    """
    if entry.get("abstain"):
        return ABSTAINED if not_found else ANSWERED
    if not_found:
        return NOT_FOUND
    if _holds(short, entry["expect"]) or (quotes and _holds(quotes[0], entry["expect"])):
        return RIGHT
    if any(_holds(quote, entry["expect"]) for quote in quotes[1:]):
        return LATER
    return WRONG


def result_of(entry: dict, answer) -> dict:
    """One question's record: what was asked and expected, what was answered, the verdict."""
    quotes = [quote.text for quote in answer.quotes]
    by_n = {source.n: source for source in answer.sources}
    first = by_n.get(answer.quotes[0].n) if answer.quotes else None
    if first is None and answer.short_source is not None:
        first = by_n.get(answer.short_source)
    return {
        "id": entry["id"], "shape": entry["shape"], "file": entry["file"],
        "held_out": entry["held_out"], "abstain": bool(entry.get("abstain")),
        "question": entry["question"], "expect": entry.get("expect", []),
        "short": answer.short, "quotes": quotes, "not_found": answer.not_found,
        "text": answer.text, "cited": first.citation if first else None,
        "cited_right_file": (first.file_name == entry["file"]) if first else None,
        "verdict": judge(entry, answer.short, quotes, answer.not_found),
    }


def tally(results: Iterable[dict]) -> dict:
    """Counts and rates of a group of results (``right_rate`` over the answerable ones,
    ``abstain_rate`` over the near-miss ones; None when the group has none)."""
    results = list(results)
    answerable = [r for r in results if not r["abstain"]]
    misses = [r for r in results if r["abstain"]]
    counts = {v: sum(r["verdict"] == v for r in answerable) for v in (RIGHT, LATER, WRONG,
                                                                       NOT_FOUND)}
    abstained = sum(r["verdict"] == ABSTAINED for r in misses)
    cited = [r["cited_right_file"] for r in answerable if r["cited_right_file"] is not None]
    return {
        "answerable": len(answerable), **counts,
        "right_rate": counts[RIGHT] / len(answerable) if answerable else None,
        "near_miss": len(misses), "abstained": abstained,
        "abstain_rate": abstained / len(misses) if misses else None,
        "cited_right_file_rate": sum(cited) / len(cited) if cited else None,
    }


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    """The bank's questions, in file order."""
    return json.loads(path.read_text(encoding="utf-8"))


# --- the documents --------------------------------------------------------------------------


def write_bank(folder: Path) -> list[Path]:
    """Write every document of the bank into ``folder`` (made if missing); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (_TEXTS | LIST_TEXTS | EVERYDAY_TEXTS).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    written.append(_ferry_notice(folder / "ferry_winter.txt"))
    written.append(_handbook(folder / "staff_handbook.docx"))
    written.append(_bird_survey(folder / "bird_survey.pdf"))
    written.append(_council_minutes(folder / "council_minutes.pdf"))
    written.append(_rowing_newsletter(folder / "rowing_newsletter.pdf"))
    written.append(_lab_procedure(folder / "lab_procedure.pdf"))
    written.append(_quarterly_results(folder / "halvorsen_q2.pdf"))
    written.append(_scanned_letter(folder / "water_meter_letter.pdf"))
    return written


_TEXTS = {
    "house_note.txt": """\
Hi Priya,
The window cleaner comes on Wednesday morning around 9.
The spare key is in the top drawer of the hall table.
Please feed the cat twice a day; her food is in the pantry.
Back Monday evening!
- Tomas
""",
    "harbor.md": """\
# Harbor lights
The lighthouse on Pell Island was built in 1871 by the engineer Tobias Wren. Its lamp can be
seen 19 nautical miles out to sea on a clear night.
## The keepers
Five families kept the light over ninety years. The last keeper, Margit Ostrander, left the
island in 1964, when the light was automated.
## The fog signal
A fog horn was added in 1903. It sounds two blasts every 30 seconds whenever visibility
drops below two miles.
## Visiting
Boats to Pell Island leave from Corrow Quay at 10:30 every Saturday from May to September.
A return ticket costs 14 euros.
""",
    "garden_club.md": """\
Alderbrook Garden Club
======================

The Alderbrook Garden Club was founded in 1988 by Rosalind Meyer. It has 142 members and
meets on the first Tuesday of each month in the Willowby Community Hall.

Annual show
-----------

The annual flower show takes place on 14 June on the village green. The prize for the
best rose is a silver trowel donated by Hartwell Nurseries.

Membership
----------

Membership costs 25 pounds a year, or 10 pounds for students. New members should write
to the club secretary, Daniel Okafor.
""",
    "library_faq.md": """\
# Frequently asked questions - Kestrel Lane Library

## How many books can I borrow at once?
With an adult card you can borrow up to 12 books at a time.

## How long is the loan period?
Books are lent for 21 days and can be renewed twice online or at the desk.

Q: When is the library open on Sundays?
A: On Sundays the library is open from 11:00 to 16:00.

Q: Do I pay a fee for late returns?
A: Late books cost 20 cents per day, up to a maximum of 5 euros per book.

Q: Can I print documents at the library?
A: Yes. Printing costs 10 cents a page in black and white and 50 cents a page in colour.
""",
    "purifier_filter.md": """\
# Replacing the filter of the Brisa 300 air purifier

Replace the filter every 6 months, or sooner when the red filter light comes on.

1. Switch off the purifier and unplug it from the wall socket.
2. Press the two grey clips on the back panel and lift the panel away.
3. Pull the old filter out by its blue tab.
4. Slide in the new filter, part number BR-3021, with the arrow pointing towards the fan.
5. Close the back panel, plug the purifier in and hold the power button for 5 seconds to
   reset the filter light.
""",
    "rail_glossary.md": """\
# Glossary of the Tollund metro

Headway: the time between two trains on the same line, 7 minutes at peak hours.
Dwell time: the time a train stands at a platform, usually 40 seconds.
Farecard: the rechargeable blue card used to pay fares, sold at every station for 3 dollars.
Loop line: the circular line that links the 9 central stations.
Night owl: the bus service that replaces the trains between 01:00 and 05:00.
""",
    "cloudnest_plans.md": """\
# Cloudnest plans

| Plan | Price per month | Storage | Users |
|------|-----------------|---------|-------|
| Basic | $6 | 50 GB | 1 |
| Pro | $15 | 1 TB | 5 |
| Team | $40 | 5 TB | 25 |

Every plan starts with a 30-day free trial. Paying yearly instead of monthly saves
20 percent.
""",
    "brightmoor.md": """\
# Brightmoor Software

Brightmoor Software was founded in Tallinn in 2015 by Ines Korhonen.

Our products:
- Planly
- Tasko
- Notero

Planly is a shared calendar for small teams, Tasko tracks to-do lists and Notero keeps
meeting notes.

Our offices:
- Tallinn (head office)
- Riga
- Vilnius

Support answers by email at help@brightmoor.example, Monday to Friday.
""",
    "policy_summary.md": """\
# Policy summary

Name: Elsbeth Varga
Date of birth: 3 March 1979
Policy number: HX-448120
Insurer: Lindqvist Mutual
Cover: Home contents
Sum insured: 48,000 euros
Excess: 250 euros
Renewal date: 1 October 2031
""",
    "observatory.rst": """\
========================
Hallam Ridge Observatory
========================

History
=======

The Hallam Ridge Observatory opened in 1957 at an altitude of 1,240 metres. Its main
telescope, a 1.2-metre reflector, was made by the Kessler Optical Works.

Public nights
=============

Public viewing nights are held every Friday from April to October, starting at 21:00.
Tickets cost 8 dollars and must be booked online.

Staff
=====

The observatory is run by its director, Amara Lindgren, and a team of six astronomers.
""",
    "arts_centre.html": """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Marlow Bay Arts Centre - Events</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/events">Events</a> | <a href="/contact">Contact</a></nav>
<header><h1>Marlow Bay Arts Centre</h1><p>Workshops, concerts and clubs by the sea</p></header>
<main>
<h2>Spring events</h2>
<p>The pottery workshop with Henrike Sauer runs on Saturday 12 April from 10:00 to 13:00.
It costs 35 dollars, clay included.</p>
<p>The Marlow Bay Jazz Quartet plays in the main hall on 26 April at 19:30.
Tickets are 18 dollars.</p>
<p>The children's painting club meets every Wednesday at 16:00 in Studio B.</p>
<h2>Visit us</h2>
<p>The arts centre is at 14 Quayside Road, Marlow Bay. Call us on 555-0142.</p>
</main>
<footer>
<p>&copy; 2031 Marlow Bay Arts Centre. All rights reserved.</p>
<p>Contact: 14 Quayside Road, Marlow Bay &middot; phone 555-0142 &middot;
info@marlowbay-arts.example</p>
</footer>
</body>
</html>
""",
}
"""The text documents, by file name, exactly as written."""


def _ferry_notice(path: Path) -> Path:
    """Plain text hard-wrapped at 70 columns: sentences broken by single newlines."""
    paragraphs = [
        "WINTER TIMETABLE FOR THE SKARVIK FERRY",
        ("From 2 November the Skarvik ferry runs a reduced winter timetable. The first "
         "crossing leaves Skarvik harbour at 06:45 and the last ferry returns from Holm at "
         "21:15. The crossing takes 35 minutes in calm weather."),
        ("The ferry MV Solveig is out of service for repairs from 10 to 24 January. During "
         "that time the smaller MV Terna carries at most 60 passengers and no cars."),
        ("Tickets: an adult single costs 4.50 euros and a car with its driver 19 euros. "
         "Monthly passes are sold at the harbour office, which is open from 08:00 to 16:00 "
         "on weekdays."),
    ]
    path.write_text("\n\n".join(textwrap.fill(p, 70) for p in paragraphs) + "\n",
                    encoding="utf-8")
    return path


def _handbook(path: Path) -> Path:
    """A DOCX with Heading 1/2 styles, paragraphs and a table with a header row."""
    import docx

    document = docx.Document()
    document.add_heading("Fenwick & Rowe staff handbook", level=1)
    document.add_heading("Leave", level=2)
    document.add_paragraph("Every full-time employee of Fenwick & Rowe gets 27 days of paid "
                           "leave a year, on top of public holidays.")
    document.add_heading("The office", level=2)
    document.add_paragraph("Our office at 8 Candlewick Street is open from 08:30 to 17:30, "
                           "Monday to Friday.")
    document.add_heading("Expenses", level=2)
    document.add_paragraph("Expense claims must reach the finance manager, Priya Castellanos, "
                           "within 30 days of the purchase.")
    document.add_heading("Benefits", level=2)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Benefit", "Amount", "Who can claim"),
                          strict=True):
        cell.text = text
    for row in (("Cycle-to-work loan", "1,200 pounds", "All staff after probation"),
                ("Eye test refund", "45 pounds", "Staff who work at a screen"),
                ("Gym subsidy", "20 pounds a month", "Full-time staff")):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    document.save(str(path))
    return path


def _pdf(font_size: float = 11):
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_font("helvetica", size=font_size)
    return pdf


def _bird_survey(path: Path) -> Path:
    """Two pages, different facts on each."""
    pdf = _pdf()
    pages = (
        ("Bird survey of Lake Orrin, 2031",
         ("The spring survey of Lake Orrin was led by the ornithologist Felix Hammond. On "
          "9 May 2031 eleven volunteers counted 2,314 birds of 61 species around the lake. "
          "The most common bird was the coot, with 412 birds on the north shore.")),
        ("Breeding and funding",
         ("The great crested grebe nested at Lake Orrin for the first time since 1998, with "
          "4 breeding pairs in the reed beds. The survey's budget of 12,500 dollars was paid "
          "by the Orrin Valley Trust. The next survey is planned for May 2034.")),
    )
    for title, text in pages:
        pdf.add_page()
        pdf.set_font("helvetica", "B", 15)
        pdf.multi_cell(0, 9, title)
        pdf.ln(3)
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def _council_minutes(path: Path) -> Path:
    """Three pages under a running header, numbered in the footer."""
    from fpdf import FPDF

    class Minutes(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", "I", 9)
            self.cell(0, 8, "Dunmore Parish Council - Minutes of the meeting of 4 March 2031",
                      align="C")
            self.ln(14)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("helvetica", "I", 9)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Minutes(format="A4")
    pdf.set_font("helvetica", size=11)
    for text in (
        ("1. Attendance. Present: Councillors Aldous Finch (chair), Beatrix Hale, Conrad Imre "
         "and Delia Moss. The meeting opened at 19:00 in the Dunmore village hall."),
        ("2. Playground. The council approved 18,400 pounds to replace the playground "
         "equipment on Mill Lane. Work will start in July.\n\n3. Street lights. Twelve street "
         "lights on Orchard Row will be replaced with LED lamps."),
        ("4. Next meeting. The next meeting will be held on 1 April 2031. The chair closed "
         "the meeting at 20:40."),
    ):
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def _rowing_newsletter(path: Path) -> Path:
    """Two columns side by side, each wrapped over several lines."""
    pdf = _pdf(10)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, "Riverside Rowing Club - Autumn newsletter", align="C")
    pdf.ln(14)
    top, width, gutter = pdf.get_y(), (pdf.epw - 8) / 2, 8
    columns = (
        ("A new boathouse",
         ("The club's new boathouse on the river Esk was opened on 2 September by the mayor, "
          "Oona Pritchard. It cost 310,000 pounds, paid for by members and a lottery grant, "
          "and it holds 24 boats. The old shed will become a gym for winter training.")),
        ("Results and training",
         ("Our women's eight won the Tarnbridge Regatta in a time of 6 minutes 41 seconds, "
          "two lengths ahead of the next crew. Junior training starts at 17:30 on Tuesdays "
          "and Thursdays; the juniors' coach is Lars Bekele.")),
    )
    for number, (title, text) in enumerate(columns):
        pdf.set_xy(pdf.l_margin + number * (width + gutter), top)
        pdf.set_font("helvetica", "B", 12)
        pdf.multi_cell(width, 7, title)
        pdf.set_x(pdf.l_margin + number * (width + gutter))
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(width, 5.5, text, align="J")
    pdf.output(str(path))
    return path


def find_ttf() -> Path:
    """DejaVu Sans from the system fonts, else matplotlib's bundled copy."""
    for folder in _FONT_DIRS:
        if (folder / "DejaVuSans.ttf").is_file():
            return folder / "DejaVuSans.ttf"
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _lab_procedure(path: Path) -> Path:
    """A TrueType font with ligature glyphs (fi, fl) and words hyphenated at line ends."""
    from fpdf import FPDF

    lines = (
        "This procedure keeps the handling of \ufb02uids ef\ufb01cient and safe. The",
        "of\ufb01ce of the laboratory manager, Dr. Ysolde Park, is in room B-214",
        "on the second \ufb02oor of the Ashcombe Building. Before any centri-",
        "fuge run, each \ufb02ask must be \ufb01lled with 250 millilitres of phos-",
        "phate buffer and sealed with a \ufb01tted cap. The samples are then",
        "centrifuged at 4,000 rpm for 12 minutes at a constant 4 degrees Celsius.",
        "Used \ufb01lters go in the yellow bin. Waste \ufb02uids are collected from",
        "the corridor outside the of\ufb01ce every Thursday by Fenmark Dis-",
        "posal, a licensed contractor. Spills must be reported within one hour",
        "to the safety of\ufb01cer, Tomasz Eberle, who keeps the spill log.",
    )
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(find_ttf()))
    pdf.add_page()
    pdf.set_font("DejaVu", size=15)
    pdf.cell(0, 10, "Korrin University vessel laboratory: sample procedure")
    pdf.ln(14)
    pdf.set_font("DejaVu", size=11)
    for line in lines:
        pdf.cell(0, 6, line)
        pdf.ln(6)
    pdf.output(str(path))
    return path


def _quarterly_results(path: Path) -> Path:
    """A financial table: line items by two quarters, in thousands of dollars."""
    pdf = _pdf(10)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 13)
    pdf.multi_cell(0, 8, "Halvorsen Instruments Inc.\nCondensed consolidated statements of "
                         "operations (unaudited)\n(in thousands)")
    pdf.ln(4)
    pdf.set_font("helvetica", size=10)
    rows = (
        ("", "Quarter ended June 30, 2031", "Quarter ended June 30, 2030"),
        ("Net sales", "$81,797", "$83,000"),
        ("Cost of sales", "45,384", "47,074"),
        ("Gross margin", "36,413", "35,926"),
        ("Research and development", "7,307", "6,903"),
        ("Selling, general and administrative", "6,250", "6,118"),
        ("Operating income", "22,856", "22,905"),
        ("Net income", "$19,442", "$19,508"),
    )
    with pdf.table(col_widths=(80, 55, 55), text_align=("LEFT", "RIGHT", "RIGHT"),
                   borders_layout="HORIZONTAL_LINES") as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(6)
    pdf.multi_cell(0, 6, "Halvorsen Instruments had 1,146 employees on June 30, 2031. The "
                         "board declared a quarterly dividend of $0.21 per share.")
    pdf.output(str(path))
    return path


def _scanned_letter(path: Path) -> Path:
    """One page that is only an image of text (OCR reads it at ingest)."""
    from tests.scans import scan_image, scanned_pdf

    letter = """Grantley Water Company, 22 Fairholme Road, Ashby Cross

14 February 2031

Dear Mr Quentin Abara,

Your water meter, serial number WM-775312, will be replaced on 3 March 2031 between 08:00
and 12:00. Please make sure the meter cupboard under the stairs is clear. The replacement
is free of charge and the water will be off for about 40 minutes.

If you have any questions, call our customer team on 0800 555 019.

Yours sincerely,

Helga Brandt, Metering Manager"""
    return scanned_pdf(path, [scan_image(letter, dpi=200, seed=7)], 200)
