from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from familieschool.constants import ChildGroup
from familieschool.models import (
    Child,
    CodedList,
    Parent,
    PartnerOrganisation,
    RecurringSchedule,
    School,
    ScopedQuerySet,
)
from familieschool.schoolyear import validate_school_year_label

from .constants import (
    FOR_CHILDREN,
    FOR_PARENTS,
    ActiveRole,
    EnrolmentStatus,
    Organiser,
    TargetGroup,
)


class BuildingBlock(CodedList):
    """A bouwsteen of the Familieschool approach (seed 003, figure 1.1): what an activity type
    builds on, for the offer per building block."""

    class Meta(CodedList.Meta):
        verbose_name = _("building block")
        verbose_name_plural = _("building blocks")


class ActivityType(CodedList):
    building_block = models.ForeignKey(
        BuildingBlock,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_types",
        verbose_name=_("building block"),
    )
    target_group = models.CharField(
        _("target group"),
        max_length=10,
        choices=TargetGroup.choices,
        default=TargetGroup.PARENTS,
        help_text=_("The target group of its activities, unless an activity sets its own."),
    )
    without_sessions = models.BooleanField(
        _("offered without sessions"),
        default=False,
        help_text=_(
            "An intervention such as an ouderkamer or a startgesprek: its activities count in "
            "the offer while they run, without sessions."
        ),
    )

    class Meta(CodedList.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")


class FundingSource(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self):
        return self.name


def audience_in(groups, prefix: str = "") -> Q:
    """Activities (reached through ``prefix``, e.g. ``session__activity__``) whose own target
    group, else their type's, is one of ``groups``: the one home of ``Activity.audience`` in SQL."""
    return Q(**{f"{prefix}target_group__in": groups}) | Q(
        **{f"{prefix}target_group": "", f"{prefix}type__target_group__in": groups}
    )


class Activity(RecurringSchedule):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="activities", verbose_name=_("school")
    )
    type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("type")
    )
    title = models.CharField(_("title (Dutch)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=150, blank=True)
    title_tr = models.CharField(_("title (Turkish)"), max_length=150, blank=True)
    description = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_tr = models.TextField(_("description (Turkish)"), blank=True)
    # Empty: the target group of its type (see ``audience``).
    target_group = models.CharField(
        _("target group"),
        max_length=10,
        choices=TargetGroup.choices,
        blank=True,
        default="",
        help_text=_("Empty: the target group of its type."),
    )
    organiser = models.CharField(
        _("organiser"), max_length=10, choices=Organiser.choices, default=Organiser.SCHOOL
    )
    organiser_partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("organising partner"),
    )
    funding_sources = models.ManyToManyField(
        FundingSource,
        through="ActivityFunding",
        blank=True,
        related_name="activities",
        verbose_name=_("funding sources"),
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    groups = models.JSONField(
        _("for groups"),
        default=list,
        blank=True,
        help_text=_("Children's programmes: the groups or years that may enrol; empty for all."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Places for enrolment; empty for no limit."),
    )
    signup_required = models.BooleanField(_("sign-up needed"), default=False)
    public = models.BooleanField(_("show on the public school page"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.organiser == Organiser.PARTNER and not self.organiser_partner_id:
            errors["organiser_partner"] = _("Choose the partner that organises this activity.")
        if self.organiser != Organiser.PARTNER and self.organiser_partner_id:
            errors["organiser_partner"] = _("Only an activity organised by a partner has one.")
        unknown = [group for group in self.groups or [] if group not in ChildGroup.values]
        if unknown:
            errors["groups"] = _("Unknown group: %(groups)s.") % {"groups": ", ".join(unknown)}
        if errors:
            raise ValidationError(errors)

    @property
    def audience(self) -> str:
        """Its target group: its own, else its type's."""
        return self.target_group or self.type.target_group

    def get_audience_display(self) -> str:
        return str(TargetGroup(self.audience).label)

    @property
    def for_children(self) -> bool:
        return self.audience in FOR_CHILDREN

    @property
    def for_parents(self) -> bool:
        return self.audience in FOR_PARENTS

    def groups_display(self) -> str:
        labels = dict(ChildGroup.choices)
        return ", ".join(str(labels.get(group, group)) for group in self.groups or [])

    def title_in(self, language: str) -> str:
        return getattr(self, f"title_{language}", "") or self.title

    def description_in(self, language: str) -> str:
        return getattr(self, f"description_{language}", "") or self.description


class ActivityFunding(models.Model):
    """One funding source of an activity, with the share (%) or the amount (EUR) it pays."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("activity")
    )
    source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="fundings",
        verbose_name=_("funding source"),
    )
    share_pct = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "source__name"]
        verbose_name = _("funding of an activity")
        verbose_name_plural = _("funding of activities")
        constraints = [
            models.UniqueConstraint(fields=["activity", "source"], name="one_funding_per_source"),
            models.CheckConstraint(
                condition=Q(share_pct__isnull=True) | Q(amount__isnull=True),
                name="funding_share_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(share_pct__isnull=True) | Q(share_pct__gte=0, share_pct__lte=100),
                name="funding_share_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="funding_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.activity} {self.source}"

    def clean(self):
        super().clean()
        if self.share_pct is not None and self.amount is not None:
            raise ValidationError({"amount": _("Give either a share or an amount, not both.")})

    @property
    def portion(self) -> str:
        """The share or amount as text ("50%", "EUR 1200.00"), empty when neither is given."""
        if self.share_pct is not None:
            return f"{self.share_pct.normalize():f}%"
        if self.amount is not None:
            return f"€ {self.amount:.2f}"
        return ""


class FundingBudget(models.Model):
    """The budget a funding source gives a school in a school year, optionally for one of its
    activities."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="funding_budgets", verbose_name=_("school")
    )
    source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="budgets",
        verbose_name=_("funding source"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budgets",
        verbose_name=_("activity"),
        help_text=_("Empty: the budget is for the school as a whole."),
    )
    school_year = models.CharField(
        _("school year"), max_length=9, validators=[validate_school_year_label]
    )
    amount = models.DecimalField(
        _("budget (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year", "school__name", "source__name"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source", "school_year"],
                condition=Q(activity__isnull=True),
                name="one_school_budget_per_source_year",
                violation_error_message=_(
                    "This school already has a budget of this source for this school year."
                ),
            ),
            models.UniqueConstraint(
                fields=["activity", "source", "school_year"],
                condition=Q(activity__isnull=False),
                name="one_activity_budget_per_source_year",
                violation_error_message=_(
                    "This activity already has a budget of this source for this school year."
                ),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_positive"),
        ]

    def __str__(self):
        return f"{self.school} {self.source} {self.school_year}"

    def clean(self):
        super().clean()
        if self.activity_id and self.school_id and self.activity.school_id != self.school_id:
            raise ValidationError({"activity": _("Choose an activity of this school.")})


class Session(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("activity")
    )
    date = models.DateField(_("date"), db_index=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    partner_present = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner present"),
    )
    anonymous_count = models.PositiveSmallIntegerField(_("not registered (headcount)"), default=0)
    cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["activity", "date"], name="one_session_per_day")
        ]

    def __str__(self):
        return f"{self.activity} {self.date}"


class Attendance(models.Model):
    """A named parent or child at a session."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    parent = models.ForeignKey(
        Parent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("parent"),
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("child"),
    )
    first_time = models.BooleanField(_("first time"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False, child__isnull=True)
                | Q(parent__isnull=True, child__isnull=False),
                name="attendance_parent_xor_child",
            ),
            models.UniqueConstraint(
                fields=["session", "parent"],
                condition=Q(parent__isnull=False),
                name="unique_parent_attendance",
            ),
            models.UniqueConstraint(
                fields=["session", "child"],
                condition=Q(child__isnull=False),
                name="unique_child_attendance",
            ),
        ]

    def __str__(self):
        return f"{self.session} {self.parent_id or self.child_id}"


class Enrolment(models.Model):
    """A child enrolled in a programme, or a parent signed up for an activity (one of both)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("activity")
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("child"),
    )
    parent = models.ForeignKey(
        Parent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("parent"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.WAITING
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # Never shown in a list: who takes part for free or with a stadspas.
    free_of_charge = models.BooleanField(_("takes part for free / stadspas"), default=False)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["activity", "child"], name="unique_enrolment"),
            models.UniqueConstraint(
                fields=["activity", "parent"],
                condition=Q(parent__isnull=False),
                name="unique_parent_enrolment",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=False, child__isnull=True)
                | Q(parent__isnull=True, child__isnull=False),
                name="enrolment_parent_xor_child",
            ),
        ]

    def __str__(self):
        return f"{self.activity} {self.child_id or self.parent_id} {self.status}"

    def clean(self):
        super().clean()
        if bool(self.child_id) == bool(self.parent_id):
            raise ValidationError(_("Enrol either a child or a parent."))


class ActiveParentRole(models.Model):
    parent = models.ForeignKey(
        Parent, on_delete=models.CASCADE, related_name="active_roles", verbose_name=_("parent")
    )
    school_year = models.CharField(
        _("school year"), max_length=9, validators=[validate_school_year_label]
    )
    role = models.CharField(_("role"), max_length=20, choices=ActiveRole.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_year", "role"]
        verbose_name = _("active parent role")
        verbose_name_plural = _("active parent roles")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "school_year", "role"], name="unique_active_role"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.school_year}"

    def clean(self):
        super().clean()
        if self.role and not self.school_year:
            raise ValidationError({"school_year": _("Choose the school year.")})


class ImportedHeadcount(models.Model):
    """An anonymous headcount that `import_attendance` added to a session, once per file row.

    ``row_key`` is a hash of the row's content (date, school, activity, count) and of how many
    identical rows came before it in the file, so importing the same file again finds every key
    and adds nothing, while two identical rows in one file still count twice.
    """

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="imported_headcounts",
        verbose_name=_("session"),
    )
    row_key = models.CharField(_("row key"), max_length=64)
    count = models.PositiveSmallIntegerField(_("count"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("imported headcount")
        verbose_name_plural = _("imported headcounts")
        constraints = [
            models.UniqueConstraint(fields=["session", "row_key"], name="unique_imported_headcount")
        ]

    def __str__(self):
        return f"{self.session} +{self.count}"
