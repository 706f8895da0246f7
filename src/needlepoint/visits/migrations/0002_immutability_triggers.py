"""Database triggers: a signed note, its rows, its adverse events and addenda never change, even
in raw SQL. The SQL lives in needlepoint.visits.triggers (SQLite and PostgreSQL)."""

from django.db import migrations

from needlepoint.visits import triggers


def forward(apps, schema_editor) -> None:
    triggers.forward(schema_editor)


def backward(apps, schema_editor) -> None:
    triggers.backward(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
