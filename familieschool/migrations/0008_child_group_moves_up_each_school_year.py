"""A child's groep is stored with the school year it belongs to, so it moves up on 1 August.

Existing children get the current school year: the groep they have now is this year's.
"""

import familieschool.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("familieschool", "0007_parent_relation_and_reminder_consent_date")]

    operations = [
        migrations.AddField(
            model_name='child',
            name='birth_year',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='year of birth'),
        ),
        migrations.AddField(
            model_name='child',
            name='group_year',
            field=models.PositiveSmallIntegerField(default=familieschool.models.current_school_year_start, help_text='The first calendar year of the school year the group was entered for.', verbose_name='school year of the group'),
        ),
    ]
