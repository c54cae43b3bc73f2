"""What the clocks app announces, so apps above it can act without clocks importing them."""

from django.dispatch import Signal

# Sent inside the sweep's transaction with the clocks it has just marked breached.
# Arguments: clocks (a list of Clock), now. The API's webhooks tell case systems here.
clocks_breached = Signal()

# Sent inside the writer's transaction when a clock has just been met (``clock_meet``, or
# ``clock_start`` of a clock already met), after its tallies. Arguments: clock. The records'
# quality tallies count a record distributed or outcome told on time here (issue 13).
clock_met = Signal()
