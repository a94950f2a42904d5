"""Indexes that let the contact list's capped count with a theme filter read indexes only.

The count joined all contacts of the school (read from the table) with all contact-theme rows of
the theme in the city (read from the table): about 13,000 pages for one school on the city-sized
set. With ``contact (school, occurred_at, id)`` and ``contact_themes (theme, contact)`` both
sides are index-only scans (about 270 pages). The contact index replaces ``(school,
occurred_at)``, whose uses it serves as well. The link table is Django's automatic many-to-many
table, which has no ``Meta.indexes``: its index is plain SQL (the migration state does not
change, so ``makemigrations --check`` stays clean).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("servicepunt", "0008_withdrawal_is_the_status"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["school", "occurred_at", "id"], name="contact_school_time_id"
            ),
        ),
        migrations.RemoveIndex(
            model_name="contact",
            name="servicepunt_school__d8a2e7_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS servicepunt_contact_themes_theme_contact "
            "ON servicepunt_contact_themes (theme_id, contact_id)",
            reverse_sql="DROP INDEX IF EXISTS servicepunt_contact_themes_theme_contact",
        ),
    ]
