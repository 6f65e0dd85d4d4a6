"""Blocks of plain text, Markdown and HTML: what each line is, cleaned, furniture out."""

from __future__ import annotations

from ingest.blocks import PageFurniture, clean_text, text_blocks, unwrap_lines
from ingest.readers.html_blocks import html_blocks
from ingest.readers.markdown import markdown_blocks


def kinds(blocks) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(b.kind, b.text) for b in blocks]


def test_a_heading_on_the_line_before_its_paragraph_is_a_heading_of_its_own() -> None:
    text = "# Harbor lights\nThe lighthouse on Pell Island was built in 1871."
    expected = [("heading", "Harbor lights"),
                ("paragraph", "The lighthouse on Pell Island was built in 1871.")]
    assert kinds(markdown_blocks(text)) == expected
    assert kinds(text_blocks(text)) == expected
    plain = "Care and maintenance\nThe machine should be descaled every month with a tablet."
    assert kinds(text_blocks(plain))[0] == ("heading", "Care and maintenance")


def test_setext_and_restructuredtext_titles_are_headings() -> None:
    setext = "Care and maintenance\n====================\nDescale the machine monthly."
    assert kinds(markdown_blocks(setext))[0] == ("heading", "Care and maintenance")
    rst = "=======\nWarranty\n=======\n\nThe warranty lasts two years.\n"
    assert kinds(text_blocks(rst)) == [("heading", "Warranty"),
                                       ("paragraph", "The warranty lasts two years.")]


def test_hard_wrapped_lines_are_unwrapped_and_a_scan_line_break_joins_its_sentence() -> None:
    text = ("The boiler in the north wing of the old school was replaced on 14 March 2019\n"
            "by the contractor Hallam and Sons. It has been serviced every year since then\n"
            "by the same firm.")
    (paragraph,) = text_blocks(text)
    assert paragraph.text == ("The boiler in the north wing of the old school was replaced on "
                              "14 March 2019 by the contractor Hallam and Sons. It has been "
                              "serviced every year since then by the same firm.")


def test_a_form_is_fields_and_lists_are_items_of_their_own_group() -> None:
    blocks = text_blocks("Name: Ada Byron\nStart date: 1 March 2024\nPolicy number: 77-1203\n\n"
                         "1. Fill the kettle.\n2. Add a tablet.\n\nColours:\n- red\n- blue")
    assert [b.kind for b in blocks] == ["field"] * 3 + ["item"] * 2 + ["paragraph", "item", "item"]
    items = [b for b in blocks if b.kind == "item"]
    assert items[0].group == items[1].group != items[2].group == items[3].group


def test_clean_text_unfolds_ligatures_and_drops_soft_hyphens() -> None:
    assert clean_text("e\ufb03cient o\ufb03ce, \ufb02uid pro\u00adcedure") == \
        "efficient office, fluid procedure"


def test_end_of_line_hyphens_join_split_words_but_keep_real_compounds() -> None:
    assert unwrap_lines(["a new pro-", "cedure"]) == "a new procedure"
    assert unwrap_lines(["a well-", "known fact"], known={"well-known"}) == "a well-known fact"
    assert unwrap_lines(["the Anglo-", "Saxon kings"]) == "the Anglo-Saxon kings"


def test_running_headers_footers_and_page_numbers_are_furniture() -> None:
    furniture = PageFurniture()
    says = ["Sales rose by a tenth.", "Costs fell in the north.", "Margins held steady."]
    pages = [f"ACME Annual Report 2024\n{text}\nPage {n} of 3"
             for n, text in enumerate(says, start=1)]
    kept = [furniture.strip(page) for page in pages]
    assert kept[0] == "ACME Annual Report 2024\nSales rose by a tenth."  # not known yet
    assert kept[1:] == says[1:]


def test_html_keeps_its_content_and_leaves_navigation_and_footer_out() -> None:
    html = """<html><body><header><a href="/">Home</a> | Events | Contact</header>
    <nav><ul><li>Home</li><li>Events</li></ul></nav>
    <main><h1>Opening hours</h1><p>The museum opens at 9 am.</p>
    <table><tr><th>Day</th><th>Hours</th></tr><tr><td>Monday</td><td>closed</td></tr></table>
    <dl><dt>Entry</dt><dd>free</dd></dl></main>
    <div class="site-footer">(c) 2024 City Museum</div><footer>Contact us</footer></body></html>"""
    blocks = html_blocks(html)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "table", "field"]
    table = blocks[2]
    assert table.heads == ("Day", "Hours") and table.rows == (("Monday", "closed"),)
    assert blocks[3].text == "Entry: free"
    words = " ".join(b.text for b in blocks)
    assert "Events" not in words and "Contact" not in words and "2024" not in words


def test_markdown_tables_lists_and_code_keep_their_structure() -> None:
    text = ("| Plan | Price |\n|---|---|\n| **Basic** | $9 |\n\n- [Planly](https://x.y)\n"
            "- Tasko\n\n```\nrag ingest docs/\n```\n")
    blocks = markdown_blocks(text)
    assert [b.kind for b in blocks] == ["table", "item", "item", "code"]
    assert blocks[0].heads == ("Plan", "Price") and blocks[0].rows == (("Basic", "$9"),)
    assert [b.text for b in blocks[1:3]] == ["- Planly", "- Tasko"]
    assert blocks[3].text == "rag ingest docs/"


def test_lines_of_labels_and_figures_are_rows_of_their_own() -> None:
    receipt = ("2x Oat milk 1L        £3.40\nSourdough loaf        £3.95\nTOTAL       £12.85\n"
               "Thank you for shopping with us!")
    table, thanks = text_blocks(receipt)
    assert table.kind == "table" and not table.heads
    assert table.rows == (("2x Oat milk 1L", "£3.40"), ("Sourdough loaf", "£3.95"),
                          ("TOTAL", "£12.85"))
    assert kinds([thanks]) == [("paragraph", "Thank you for shopping with us!")]
    narrow = "The crew won in 1998\nand again in 2004\nbefore the club closed."
    assert kinds(text_blocks(narrow)) == [
        ("paragraph", "The crew won in 1998 and again in 2004 before the club closed.")]
    statement = ("Inventories $ 941\nTotal sold $ 6,959\n\n"
                 "Basic $ 3.00 $ 2.35\nDiluted $ 2.99 $ 2.35")
    sold, per_share = text_blocks(statement)
    assert sold.rows == (("Inventories", "$941"), ("Total sold", "$6,959"))
    assert per_share.rows == (("Basic $ 3.00 $ 2.35",), ("Diluted $ 2.99 $ 2.35",))


def test_a_plain_text_faq_question_heads_its_answer() -> None:
    faq = ("Q: Is there parking?\nA: Yes, the car park is free for 3 hours.\n\n"
           "Question: Can children swim alone?\nAnswer: Only from the age of 8.")
    assert [(b.kind, b.text, b.level) for b in text_blocks(faq)] == [
        ("heading", "Is there parking?", 3),
        ("paragraph", "Yes, the car park is free for 3 hours.", 0),
        ("heading", "Can children swim alone?", 3),
        ("paragraph", "Only from the age of 8.", 0)]
    assert kinds(text_blocks("Status: approved\nA: the first option"))[0] == ("field",
                                                                           "Status: approved")


def test_a_mails_subject_line_heads_its_text_and_its_other_headers_stay_fields() -> None:
    mail = ("From: Hannah Okafor <h.okafor@example.org>\nTo: Year 4 parents\n"
            "Subject: Year 4 trip to Wenlow Castle\n\nDear parents,\n\n"
            "The trip costs £12 per child.")
    assert [(b.kind, b.text, b.level) for b in text_blocks(mail)] == [
        ("field", "From: Hannah Okafor <h.okafor@example.org>", 0),
        ("field", "To: Year 4 parents", 0),
        ("heading", "Year 4 trip to Wenlow Castle", 1),
        ("paragraph", "Dear parents,", 0),
        ("paragraph", "The trip costs £12 per child.", 0)]


def test_numbered_clauses_are_items_and_a_numbered_title_stays_a_heading() -> None:
    text = ("3.1 The rent is £950 per calendar month.\n"
            "3.2 Rent is payable on the first day of each month.\n\n"
            "5.2 Effect of Model Size\n\nIn this section we study the effect of size on quality.")
    assert [(b.kind, b.text) for b in text_blocks(text)] == [
        ("item", "3.1 The rent is £950 per calendar month."),
        ("item", "3.2 Rent is payable on the first day of each month."),
        ("heading", "5.2 Effect of Model Size"),
        ("paragraph", "In this section we study the effect of size on quality.")]
