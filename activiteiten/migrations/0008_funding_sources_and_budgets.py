import django.core.validators
import django.db.models.deletion
import familieschool.schoolyear
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activiteiten", "0007_activity_funding"),
        ("familieschool", "0012_audit_oidc_login_action"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="activity",
            name="funding_source",
        ),
        migrations.AddField(
            model_name="activity",
            name="funding_sources",
            field=models.ManyToManyField(
                blank=True,
                related_name="activities",
                through="activiteiten.ActivityFunding",
                to="activiteiten.fundingsource",
                verbose_name="funding sources",
            ),
        ),
        migrations.CreateModel(
            name="FundingBudget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "school_year",
                    models.CharField(
                        max_length=9,
                        validators=[familieschool.schoolyear.validate_school_year_label],
                        verbose_name="school year",
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=10,
                        validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                        verbose_name="budget (EUR)",
                    ),
                ),
                (
                    "activity",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: the budget is for the school as a whole.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="budgets",
                        to="activiteiten.activity",
                        verbose_name="activity",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="funding_budgets",
                        to="familieschool.school",
                        verbose_name="school",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="budgets",
                        to="activiteiten.fundingsource",
                        verbose_name="funding source",
                    ),
                ),
            ],
            options={
                "verbose_name": "budget",
                "verbose_name_plural": "budgets",
                "ordering": ["-school_year", "school__name", "source__name"],
            },
        ),
        migrations.AddConstraint(
            model_name="fundingbudget",
            constraint=models.UniqueConstraint(
                condition=models.Q(("activity__isnull", True)),
                fields=("school", "source", "school_year"),
                name="one_school_budget_per_source_year",
                violation_error_message="This school already has a budget of this source for this school year.",
            ),
        ),
        migrations.AddConstraint(
            model_name="fundingbudget",
            constraint=models.UniqueConstraint(
                condition=models.Q(("activity__isnull", False)),
                fields=("activity", "source", "school_year"),
                name="one_activity_budget_per_source_year",
                violation_error_message="This activity already has a budget of this source for this school year.",
            ),
        ),
        migrations.AddConstraint(
            model_name="fundingbudget",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gte", 0)), name="budget_amount_positive"
            ),
        ),
    ]
