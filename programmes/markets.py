"""The portal's list of target markets: what a question of kind "market" (programmes.Question) offers.

Codes are stored with the answer (applications.Answer.codes); labels are translated when shown.
The same eight codes the co-financing programmes asked before their questions were configuration.
"""

from django.utils.translation import gettext_lazy as _

MARKETS = [
    ("europe", _("Europe")),
    ("eastern_area", _("Eastern area")),
    ("north_america", _("North America")),
    ("south_america", _("South America")),
    ("japan", _("Japan")),
    ("china", _("China")),
    ("india", _("India")),
    ("south_africa", _("South Africa")),
]
