"""Month tallies of authorised records for the reports (issue 13): per partnership and
London month the discussion was held, the current versions' decisions and their
attendance by agency and status. Kept by ``record_authorise`` in its transaction (a
correction moves its record's counts from the version it supersedes to the new one;
convene.records.tally); ``convene reporting rebuild-summary`` recounts them."""

from __future__ import annotations

from django.db import models

from convene.core.models import MonthTally, one_a_month

_one_a_month = one_a_month


class DecisionTally(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(
        help_text="The first day of the London month the discussions were held"
    )
    decision = models.CharField(max_length=40)
    records = models.IntegerField(default=0)

    class Meta:
        constraints = [_one_a_month("decision_tally_one_a_month", "decision")]

    def __str__(self) -> str:
        return f"{self.decision} {self.month:%Y-%m}: {self.records}"


class AttendanceTally(models.Model):
    """Attendance rows of current versions; ``agency`` is the agency's id, 0 for none (a
    plain number, so the unique key holds for "no agency" too)."""

    month = models.DateField()
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    agency = models.BigIntegerField(default=0)
    status = models.CharField(max_length=20)
    rows = models.IntegerField(default=0)

    class Meta:
        constraints = [_one_a_month("attendance_tally_one_a_month", "agency", "status")]

    def __str__(self) -> str:
        return f"agency {self.agency} {self.status} {self.month:%Y-%m}: {self.rows}"


class QualityTally(MonthTally):
    """The quality standards audit's counts (issue 13): of the current versions of records
    held in the month, how many there are and how many meet each standard the audit reads
    from stored rows (convene.records.quality_tally). Kept by every change to what a
    standard reads: authorising, a distribution or outcome clock met, a chair's roles, an
    agency's kind."""

    records = models.IntegerField(default=0)
    chaired_by_manager = models.IntegerField(default=0)
    police_attended = models.IntegerField(default=0)
    health_attended = models.IntegerField(default=0)
    distributed_in_time = models.IntegerField(default=0)
    told_in_time = models.IntegerField(default=0)

    class Meta:
        constraints = [_one_a_month("quality_tally_one_a_month")]


class ExceptionTally(MonthTally):
    """Records with an attendance exception recorded for a party (R002.4), per partnership
    and London month held: the dashboard's count of exceptions (issue 13). Kept by
    ``attendance_exception_record`` (a record's first exception for the party counts it);
    ``convene reporting rebuild-summary`` recounts it."""

    party = models.CharField(max_length=20)
    records = models.IntegerField(default=0)

    class Meta:
        constraints = [_one_a_month("exception_tally_one_a_month", "party")]
