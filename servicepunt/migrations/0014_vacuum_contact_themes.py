"""VACUUM the contact-theme links after 0013 wrote a new version of every row.

Until the visibility map is set again every index-only scan of the links (the themed contact
list's count) also reads the table's pages, until autovacuum comes by; the first minutes after a
deploy would be slower than before it. VACUUM cannot run in a transaction, so this migration is
not atomic; it does nothing but the VACUUM, and nothing on other databases or inside a test's
transaction.
"""

from django.db import migrations


def vacuum(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        schema_editor.execute("VACUUM (ANALYZE) servicepunt_contact_themes")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("servicepunt", "0013_contact_theme_school"),
    ]

    operations = [
        migrations.RunPython(vacuum, migrations.RunPython.noop, elidable=True),
    ]
