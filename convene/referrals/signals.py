"""What the referrals app announces, so apps above it can act without referrals importing them."""

from django.dispatch import Signal

# Sent inside the triage transaction once a referral is triaged to a discussion or meeting.
# Arguments: referral, by, now, context (an AuditContext). Allocation gives the case its
# default worker here.
referral_triaged = Signal()
