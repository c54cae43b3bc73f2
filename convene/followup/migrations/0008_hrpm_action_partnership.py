"""Store the partnership each HRPM safety-plan action is in (its HRPM's: ``partnership``,
``convene.records.owning``) and index the actions by it, the open ones most urgent first and
all by due time, with all of an agency's work by due time, so that social care's Actions
list walks each of its partnerships (and its agency's work) apart to the page instead of
every open action of every partnership filtered through the join to the discussion (issue 15,
docs/performance.md, "The Actions list by the action's own partnership").

The operations are the same for both kinds of action (``partnership_operations``). On the
1,000,000-discussion database (31,421 HRPM actions) the UPDATE took 1.2 s, each index
under 0.1 s."""

from django.db import migrations

from convene.records.owning import partnership_operations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0006_child_name_order_index"),
        ("followup", "0007_hrpm_action_by_owner_indexes"),
    ]

    operations = partnership_operations("followup", "HrpmAction", "hrpm_action")
