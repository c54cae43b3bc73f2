"""How long free text may be, where no database column sets the limit.

A narrative (what the referrer said, a reason, a note) is stored as text with no
length of its own; these limits keep one paste from filling a page, a PDF or an
email. Forms and the API schemas use the same numbers, so a page and the API
refuse the same input.
"""

from __future__ import annotations

# A long narrative: a referral's account, the record's sections.
TEXT_MAX = 20_000
# A reason or a note: cancelling, overriding the recommended pathway, an apology.
NOTE_MAX = 5_000
