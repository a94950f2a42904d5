"""Covering indexes for the yearly reach report on other apps' large tables (PostgreSQL only).

The report reads a school year's contacts by date and a year's attendance by session; with
these indexes PostgreSQL answers both from the index alone. They are built CONCURRENTLY so
that a large table stays writable while the index is made.
"""

from django.db import migrations

INDEXES = [
    (
        "rapportage_contact_year",
        "servicepunt_contact",
        "(occurred_at) INCLUDE (id, school_id, family_id, parent_id)",
    ),
    (
        "rapportage_attendance_session",
        "activiteiten_attendance",
        "(session_id) INCLUDE (parent_id, child_id)",
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, columns in INDEXES:
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} {columns}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _columns in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("rapportage", "0001_reach_snapshots"),
        ("servicepunt", "0001_contacts_and_referrals"),
        ("activiteiten", "0001_activities_and_attendance"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
