"""Optional pupils per groep (po) or klas (vo) on a school's year figures."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("familieschool", "0008_child_group_moves_up_each_school_year")]

    operations = [
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_group_1_2',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in groep 1-2'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_group_3',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in groep 3'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_group_4',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in groep 4'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_group_5',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in groep 5'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_group_6',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in groep 6'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_group_7',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in groep 7'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_group_8',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in groep 8'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_year_1',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in klas 1'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_year_2',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in klas 2'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_year_3',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in klas 3'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_year_4',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in klas 4'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_year_5',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in klas 5'),
        ),
        migrations.AddField(
            model_name='schoolyearfigures',
            name='pupils_year_6',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in klas 6'),
        ),
    ]
