import django.core.validators
import django.db.models.deletion
import familieschool.schoolyear
from decimal import Decimal
from django.db import migrations, models


def carry_fundings_over(apps, schema_editor):
    """Every activity's one funding source becomes its first ActivityFunding (no share)."""
    Activity = apps.get_model("activiteiten", "Activity")
    ActivityFunding = apps.get_model("activiteiten", "ActivityFunding")
    ActivityFunding.objects.bulk_create(
        ActivityFunding(activity_id=activity_id, source_id=source_id)
        for activity_id, source_id in Activity.objects.filter(
            funding_source__isnull=False
        ).values_list("id", "funding_source_id")
    )


def carry_fundings_back(apps, schema_editor):
    """Back to one source per activity: the first by name (the others cannot be kept)."""
    Activity = apps.get_model("activiteiten", "Activity")
    ActivityFunding = apps.get_model("activiteiten", "ActivityFunding")
    first = {}
    for activity_id, source_id in ActivityFunding.objects.order_by(
        "activity_id", "source__name"
    ).values_list("activity_id", "source_id"):
        first.setdefault(activity_id, source_id)
    for activity_id, source_id in first.items():
        Activity.objects.filter(pk=activity_id).update(funding_source_id=source_id)


class Migration(migrations.Migration):
    """One funding source per activity becomes a list of them (this step: the new table,
    filled from the old field; the next step drops the field, in a transaction of its own)."""

    dependencies = [
        ("activiteiten", "0006_seed_building_blocks_and_types"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActivityFunding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "share_pct",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="share (%)",
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=10,
                        null=True,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="amount (EUR)",
                    ),
                ),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fundings",
                        to="activiteiten.activity",
                        verbose_name="activity",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fundings",
                        to="activiteiten.fundingsource",
                        verbose_name="funding source",
                    ),
                ),
            ],
            options={
                "verbose_name": "funding of an activity",
                "verbose_name_plural": "funding of activities",
                "ordering": ["activity", "source__name"],
            },
        ),
        migrations.AddConstraint(
            model_name="activityfunding",
            constraint=models.UniqueConstraint(
                fields=("activity", "source"), name="one_funding_per_source"
            ),
        ),
        migrations.AddConstraint(
            model_name="activityfunding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("share_pct__isnull", True), ("amount__isnull", True), _connector="OR"
                ),
                name="funding_share_or_amount",
            ),
        ),
        migrations.AddConstraint(
            model_name="activityfunding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("share_pct__isnull", True),
                    models.Q(("share_pct__gte", 0), ("share_pct__lte", 100)),
                    _connector="OR",
                ),
                name="funding_share_0_to_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="activityfunding",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__isnull", True), ("amount__gte", 0), _connector="OR"),
                name="funding_amount_positive",
            ),
        ),
        migrations.RunPython(carry_fundings_over, carry_fundings_back),
    ]
