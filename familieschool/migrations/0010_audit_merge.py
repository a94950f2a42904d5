"""The audit log also records merging two records of one family."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('familieschool', '0009_pupils_per_group'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditlog',
            name='action',
            field=models.CharField(choices=[('view', 'Viewed'), ('create', 'Created'), ('change', 'Changed'), ('export', 'Exported'), ('delete', 'Deleted'), ('erase', 'Erased on request'), ('login_fail', 'Failed login'), ('lockout', 'Locked out'), ('unlock', 'Unlocked'), ('otp_enrol', 'Second factor set up'), ('otp_code', 'Recovery code used'), ('otp_reset', 'Second factor reset'), ('merge', 'Merged')], max_length=10, verbose_name='action'),
        ),
    ]
