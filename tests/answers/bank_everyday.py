"""Bank documents people keep and ask about every day: a mail saved as plain text, the
minutes of a meeting, a recipe, a project's changelog and a product page whose
specification table has generic column heads ("Feature | Value").

Each states its facts in a shape of its own: a mail's sender in its "From:" header,
a role in brackets after a name ("Mark Oduya (chair)"), ingredients and steps as two
lists under their headings, a release's changes under its version number, a
specification by the label of its row.
"""

from __future__ import annotations

__all__ = ["EVERYDAY_TEXTS"]

EVERYDAY_TEXTS = {
    "trip_mail.txt": """\
From: Hannah Okafor <h.okafor@brookside-primary.org>
To: Year 4 parents
Date: 14 April 2031
Subject: Year 4 trip to Wenlow Castle

Dear parents,

Year 4 will visit Wenlow Castle on Thursday 8 May. The coach leaves school
at 8.45am and returns by 3.30pm.

The trip costs £12 per child. Please pay through the school app by 1 May.
Children need a packed lunch, a waterproof coat and comfortable shoes.

Best wishes,
Hannah Okafor
""",
    "allotment_minutes.md": """\
# Dunmore Allotment Society

## Committee meeting, 3 March 2031

Present: Mark Oduya (chair), Lena Fischer (secretary), Colin Reid, Aisha Bello
Apologies: Peter Quayle

### 1. Water supply
The standpipe by plot 12 is leaking. Colin Reid will ask a plumber for a quote.

### 2. Plot rents
Rents for 2031 stay at £38 for a full plot and £20 for a half plot.

### 3. Open day
The open day will be held on Sunday 15 June, with a plant sale from 10am.
""",
    "soup_recipe.md": """\
# Roasted tomato soup

Serves 4. Preparation 10 minutes, cooking 50 minutes.

## Ingredients
- 1 kg ripe tomatoes, halved
- 1 red onion, quartered
- 3 garlic cloves
- 2 tbsp olive oil
- 500 ml vegetable stock

## Method
1. Heat the oven to 200°C (180°C fan).
2. Roast the tomatoes, onion and garlic with the oil for 40 minutes.
3. Tip everything into a pan, add the stock and simmer for 10 minutes.
4. Blend until smooth and season to taste.
""",
    "tideway_changelog.md": """\
# Tideway changelog

## 3.2.0 - 2031-02-10
### Added
- Tide alerts by text message.
- A printable monthly tide table.
### Fixed
- Wrong sunrise times for harbours west of Greenwich.

## 3.1.1 - 2031-01-22
### Fixed
- The app closed when the phone changed time zone.

## 3.1.0 - 2031-01-05
### Added
- Offline maps for twelve coastal regions.
### Removed
- The old weather widget.
""",
    "kettle_specs.html": """\
<html><head><title>Halden Quick kettle</title></head><body>
<nav><a href="/">Home</a> | <a href="/kitchen">Kitchen</a> | <a href="/help">Help</a></nav>
<h1>Halden Quick kettle</h1>
<p>The Halden Quick is a cordless kettle with a keep-warm setting.</p>
<h2>Specifications</h2>
<table>
<tr><th>Feature</th><th>Value</th></tr>
<tr><td>Capacity</td><td>1.7 litres</td></tr>
<tr><td>Power</td><td>3000 W</td></tr>
<tr><td>Weight</td><td>1.1 kg</td></tr>
<tr><td>Boil time (1 cup)</td><td>45 seconds</td></tr>
<tr><td>Price</td><td>£64.99</td></tr>
</table>
<h2>In the box</h2>
<ul><li>Kettle</li><li>Power base</li><li>Limescale filter</li></ul>
<footer>© 2031 Halden Home. All rights reserved. | Privacy | Cookies</footer>
</body></html>
""",
}
