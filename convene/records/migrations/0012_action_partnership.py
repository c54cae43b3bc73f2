"""Store the partnership each agreed action is in (its discussion's: ``partnership``,
``convene.records.owning``) and index the actions by it, the open ones most urgent first and
all by due time, with all of an agency's work by due time, so that social care's Actions
list walks each of its partnerships (and its agency's work) apart to the page instead of
every open action of every partnership filtered through the join to the discussion (issue 15,
docs/performance.md, "The Actions list by the action's own partnership").

The operations are the same for both kinds of action (``partnership_operations``). On the
1,000,000-discussion database (839,555 actions) the UPDATE took 71 s, NOT NULL 0.4 s,
the three indexes about 0.8 s each."""

from django.db import migrations

from convene.records.owning import partnership_operations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("people", "0006_child_name_order_index"),
        ("records", "0011_action_by_owner_indexes"),
    ]

    operations = partnership_operations("records", "Action", "action")
