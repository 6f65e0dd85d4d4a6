"""Bank documents of labels and figures in plain text: a shop receipt and a café menu.

Their lines end in prices and hold no end punctuation, so a reader that unwraps
hard-wrapped paragraphs would join them into one sentence; each must stay a row.
"""

from __future__ import annotations

__all__ = ["LIST_TEXTS"]

LIST_TEXTS = {
    "receipt.txt": """\
FRESHWAY MARKET
12 High Street, Dunmore
Receipt 20 November 2026, 17:42

2x Oat milk 1L        £3.40
Sourdough loaf        £3.95
Free range eggs x12   £4.20
Bananas 1.2kg         £1.30
TOTAL                £12.85
Paid by card ending 4471

Thank you for shopping with us!
Returns accepted within 14 days with this receipt.
""",
    "cafe_menu.txt": """\
The Copper Kettle - Lunch Menu

Starters
Tomato soup 5.50
Garlic mushrooms 6.25
Halloumi fries 6.75

Mains
Fish and chips 14.95
Mushroom risotto 12.50
Steak pie with mash 15.25

All mains are served from 12:00 to 15:00. Please tell us about any allergies before you order.
""",
}
