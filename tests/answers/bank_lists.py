"""Bank documents of labels and figures in plain text: a shop receipt, a café menu, and
tables lined up with spaces (a bus timetable, an invoice, a list of school contacts).

Their lines end in prices or figures and hold no end punctuation, so a reader that
unwraps hard-wrapped paragraphs would join them into one sentence; each must stay a
row, and a lined-up row must keep its columns.
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
    "bus_timetable.txt": """\
Route 42 - Weekday timetable

Stop                 First bus   Last bus   Every
Central Station      06:10       23:30      15 minutes
Market Square        06:18       23:38      15 minutes
Hospital             06:25       23:45      20 minutes
Airport              06:50       22:15      30 minutes

Saturday and Sunday services run every 30 minutes all day.
""",
    "invoice.txt": """\
INVOICE

Invoice number: INV-2026-0318
Date: 3 November 2026
Due date: 3 December 2026
Bill to: Harrow & Pike Ltd, 9 Canal Walk, Leeds

Description                         Qty    Amount
Website redesign                      1   £2,400.00
Hosting (12 months)                   1     £180.00
Logo refresh                          1     £350.00

Subtotal   £2,930.00
VAT 20%      £586.00
Total      £3,516.00

Please pay by bank transfer to sort code 40-11-62, account 31926819.
""",
    "school_contacts.txt": """\
Riverside Primary School - Useful contacts

School office        01632 960 118
Head teacher         Mrs Joan Ellery
Breakfast club       01632 960 204
After-school club    Mr Dev Anand, 07700 900 415

The office is open from 8:00 to 16:30 on school days.
""",
}
