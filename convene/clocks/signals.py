"""What the clocks app announces, so apps above it can act without clocks importing them."""

from django.dispatch import Signal

# Sent inside the sweep's transaction with the clocks it has just marked breached.
# Arguments: clocks (a list of Clock), now. The API's webhooks tell case systems here.
clocks_breached = Signal()
