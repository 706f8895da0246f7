"""Needle lots (issue 11): a lot names a box of needles, not a needle.

Each needle-log entry gets ``needles_used`` (how many needles went into that muscle and side, 1-50)
and ``needle_lots`` becomes the distinct lot numbers of the boxes they came from. Existing entries
listed one lot per needle, so their count is the number of lots they list (1 when they list none);
their lots are trimmed, blanks dropped and repeats merged, in the order given. Going back keeps
the distinct lots (fewer lots than needles was always allowed).

Signed notes are immutable by trigger (migration 0002), and on SQLite adding a NOT NULL column
rebuilds the table, which drops its triggers. So the triggers are dropped first and created again
at the end, on both engines. Filling in the new column and tidying the lots as above are the only
changes made to a signed note's entries (the count was already there, as one lot per needle).
"""

import django.core.validators
from django.db import migrations, models

from needlepoint.visits import triggers


def drop_triggers(apps, schema_editor) -> None:
    triggers.backward(schema_editor)


def create_triggers(apps, schema_editor) -> None:
    triggers.forward(schema_editor)


def count_needles(apps, schema_editor) -> None:
    NeedleInsertion = apps.get_model("visits", "NeedleInsertion")
    for entry in NeedleInsertion.objects.all().only("pk", "needle_lots").iterator():
        given = entry.needle_lots if isinstance(entry.needle_lots, list) else []
        lots = [lot.strip() for lot in given if isinstance(lot, str) and lot.strip()]
        NeedleInsertion.objects.filter(pk=entry.pk).update(
            needles_used=min(max(len(given), 1), 50),
            needle_lots=list(dict.fromkeys(lots)),
        )


class Migration(migrations.Migration):
    dependencies = [("visits", "0003_episode_discharge")]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers, elidable=False),
        migrations.AddField(
            model_name="needleinsertion",
            name="needles_used",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.RunPython(count_needles, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="needleinsertion",
            name="needles_used",
            field=models.PositiveSmallIntegerField(
                help_text="How many needles were used in this muscle and side (each sterile, used once)",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(50),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="needleinsertion",
            name="needle_lots",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The distinct lot numbers of the boxes this entry's needles came from (a lot is a box, not a needle)",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
