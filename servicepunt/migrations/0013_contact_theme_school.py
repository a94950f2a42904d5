"""The link of a contact and a theme carries the contact's school.

The themed contact list counted (up to 1,001) the school's contacts that have the theme by
hashing the theme's links of the whole city: on the city-sized set about 60,000 of the theme's
101,000 links, 11-14 ms, more with every school and year. With the school on the link and an
index ``(theme, school, contact)`` the count reads the theme's links of the user's schools
(about 2,400 for one school over five years).

Django's automatic table of ``Contact.themes`` becomes the explicit model ``ContactTheme`` in
place (``SeparateDatabaseAndState``: same table, same rows, same constraints), gets its
``school_id`` filled from the contacts, and then ``NOT NULL``. The indexes on ``theme_id`` and on
``(theme_id, contact_id)`` (migration 0009) give way to the new one, which starts with the theme
too; the one on ``contact_id`` alone to the unique ``(contact_id, theme_id)``.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_school(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE servicepunt_contact_themes AS link SET school_id = contact.school_id "
            "FROM servicepunt_contact AS contact WHERE contact.id = link.contact_id"
        )
        return
    ContactTheme = apps.get_model("servicepunt", "ContactTheme")
    Contact = apps.get_model("servicepunt", "Contact")
    ContactTheme.objects.update(
        school_id=models.Subquery(
            Contact.objects.filter(pk=models.OuterRef("contact_id")).values("school_id")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("familieschool", "0014_user_is_organisation_lead"),
        ("servicepunt", "0012_partner_week_open_referrals_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ContactTheme",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "contact",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="servicepunt.contact",
                            ),
                        ),
                        (
                            "theme",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="servicepunt.theme",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "theme of a contact",
                        "verbose_name_plural": "themes of contacts",
                        "db_table": "servicepunt_contact_themes",
                        "unique_together": {("contact", "theme")},
                    },
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="themes",
                    field=models.ManyToManyField(
                        related_name="contacts",
                        through="servicepunt.ContactTheme",
                        to="servicepunt.theme",
                        verbose_name="themes",
                    ),
                ),
            ],
        ),
        # The old indexes go first, so that the backfill does not keep them up to date.
        migrations.RunSQL(
            "DROP INDEX IF EXISTS servicepunt_contact_themes_theme_contact",
            reverse_sql="CREATE INDEX IF NOT EXISTS servicepunt_contact_themes_theme_contact "
            "ON servicepunt_contact_themes (theme_id, contact_id)",
        ),
        migrations.AlterField(
            model_name="contacttheme",
            name="theme",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="servicepunt.theme",
            ),
        ),
        migrations.AlterField(
            model_name="contacttheme",
            name="contact",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="servicepunt.contact",
            ),
        ),
        migrations.AddField(
            model_name="contacttheme",
            name="school",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="familieschool.school",
            ),
        ),
        migrations.RunPython(fill_school, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contacttheme",
            name="school",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="familieschool.school",
            ),
        ),
        migrations.AddIndex(
            model_name="contacttheme",
            index=models.Index(
                fields=["theme", "school", "contact"], name="contact_theme_school"
            ),
        ),
    ]
