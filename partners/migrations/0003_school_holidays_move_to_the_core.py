"""School holidays belong to the school calendar in the core; the rows stay, the table is renamed.

``familieschool.0011_school_holiday`` takes the model over in Django's state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_appointment_booker_may_be_gone")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("schoolholiday", "familieschool_schoolholiday")
            ],
            state_operations=[migrations.DeleteModel("SchoolHoliday")],
        )
    ]
