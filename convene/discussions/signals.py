"""What the apps above discussions may hear of: no import upwards (tests/test_architecture.py).

``discussion_notices_decided`` is sent, in the transaction that arranges, moves, adds
invitees to or cancels a discussion, once its invitees' notices are decided
(``discussions.outbox.notices_decide``), with ``discussion``, ``invitations`` (those
just told), ``notice`` (a ``discussions.notices.Notice``) and ``now``. The agency
checks open their checks and clocks from it (``agencychecks.convening``).
"""

from django.dispatch import Signal

discussion_notices_decided = Signal()
