import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import (
    GROUP_SEQUENCES,
    PUPILS_PER_GROUP,
    AuditAction,
    ChildGroup,
    HolidayRegion,
    Language,
    ParentRelation,
    PartnerCategory,
    Recurrence,
    Role,
    SchoolType,
    Weekday,
)
from .schoolyear import SchoolYear, validate_school_year_label


class CodedList(models.Model):
    """An editable list an administrator keeps (themes, sources, kinds of provisions, building
    blocks, activity types): a stable code the figures and seeds refer to, a Dutch name and an
    order. The lists that can be retired add their own ``active``."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class ScopedQuerySet(models.QuerySet):
    """The queryset of a school-owned model: ``visible_to(user)`` applies the access policy."""

    def visible_to(self, user):
        """The rows ``user`` may see (``familieschool.access.SCOPE_PATHS``)."""
        from .access import visible_to  # the policy imports these models

        return visible_to(self, user)


class SchoolBoard(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school board")
        verbose_name_plural = _("school boards")

    def __str__(self):
        return self.name


class School(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=2, choices=SchoolType.choices)
    board = models.ForeignKey(
        SchoolBoard, on_delete=models.PROTECT, related_name="schools", verbose_name=_("board")
    )
    municipality = models.CharField(_("municipality"), max_length=100)
    district = models.CharField(_("district"), max_length=100, blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("starting year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The calendar year the school joined the programme, e.g. 2019."),
    )
    servicepunt_name = models.CharField(
        _("name of the servicepunt"),
        max_length=100,
        default="Familieservicepunt",
        help_text=_("What the school calls its servicepunt, e.g. Ouderservicepunt."),
    )
    holiday_region = models.CharField(
        _("holiday region"),
        max_length=6,
        choices=HolidayRegion.choices,
        default=HolidayRegion.MIDDLE,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self):
        return self.name


class SchoolYearFigures(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="year_figures", verbose_name=_("school")
    )
    school_year = models.CharField(
        _("school year"), max_length=9, validators=[validate_school_year_label]
    )
    pupils = models.PositiveIntegerField(_("pupils"))
    families = models.PositiveIntegerField(_("families"))
    # Optional pupils per groep (po) or klas (vo); see PUPILS_PER_GROUP.
    pupils_group_1_2 = models.PositiveIntegerField(_("pupils in groep 1-2"), null=True, blank=True)
    pupils_group_3 = models.PositiveIntegerField(_("pupils in groep 3"), null=True, blank=True)
    pupils_group_4 = models.PositiveIntegerField(_("pupils in groep 4"), null=True, blank=True)
    pupils_group_5 = models.PositiveIntegerField(_("pupils in groep 5"), null=True, blank=True)
    pupils_group_6 = models.PositiveIntegerField(_("pupils in groep 6"), null=True, blank=True)
    pupils_group_7 = models.PositiveIntegerField(_("pupils in groep 7"), null=True, blank=True)
    pupils_group_8 = models.PositiveIntegerField(_("pupils in groep 8"), null=True, blank=True)
    pupils_year_1 = models.PositiveIntegerField(_("pupils in klas 1"), null=True, blank=True)
    pupils_year_2 = models.PositiveIntegerField(_("pupils in klas 2"), null=True, blank=True)
    pupils_year_3 = models.PositiveIntegerField(_("pupils in klas 3"), null=True, blank=True)
    pupils_year_4 = models.PositiveIntegerField(_("pupils in klas 4"), null=True, blank=True)
    pupils_year_5 = models.PositiveIntegerField(_("pupils in klas 5"), null=True, blank=True)
    pupils_year_6 = models.PositiveIntegerField(_("pupils in klas 6"), null=True, blank=True)

    class Meta:
        ordering = ["school__name", "school_year"]
        verbose_name = _("school year figures")
        verbose_name_plural = _("school year figures")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"], name="unique_figures_per_school_year"
            )
        ]

    def __str__(self):
        return f"{self.school} {self.school_year}"

    def pupils_in_groups(self, groups) -> int | None:
        """Pupils counted in the per-groep fields covering ``groups``; None if one is unknown."""
        wanted = set(groups)
        total = 0
        for _column, field, counted in PUPILS_PER_GROUP:
            if wanted.intersection(counted):
                value = getattr(self, field)
                if value is None:
                    return None
                total += value
        return total


class SchoolHoliday(models.Model):
    """A school holiday period of a region, entered by an administrator (see ``calendar``)."""

    region = models.CharField(_("region"), max_length=6, choices=HolidayRegion.choices)
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("school holiday")
        verbose_name_plural = _("school holidays")

    def __str__(self):
        return f"{self.name} ({self.get_region_display()})"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The last day must not be before the first day.")})


class PartnerOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=40, choices=PartnerCategory.choices)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    substitute_person = models.CharField(_("substitute"), max_length=200, blank=True)
    substitute_email = models.EmailField(_("substitute email"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    schools = models.ManyToManyField(
        School,
        blank=True,
        related_name="coordinators",
        verbose_name=_("schools"),
        help_text=_("For coordinators: the schools they serve."),
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("organisation"),
        help_text=_("For partner staff: their organisation."),
    )
    is_organisation_lead = models.BooleanField(
        _("lead of the organisation"),
        default=False,
        help_text=_(
            "For partner staff: sees the organisation's figures at every school, not only at "
            "the schools where they staff a consultation hour."
        ),
    )
    board = models.ForeignKey(
        SchoolBoard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_leaders",
        verbose_name=_("board"),
        help_text=_("For project leaders: one board, or empty for all schools."),
    )
    municipality = models.CharField(
        _("municipality"),
        max_length=100,
        blank=True,
        help_text=_(
            "For project leaders: the schools of one municipality (instead of a board), "
            "or empty for all schools."
        ),
    )
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        if self.role == Role.PARTNER and not self.organisation_id:
            raise ValidationError({"organisation": _("Partner staff belong to an organisation.")})
        if self.role != Role.PARTNER and self.organisation_id:
            raise ValidationError(
                {"organisation": _("Only partner staff belong to an organisation.")}
            )
        if self.board_id and self.municipality:
            raise ValidationError(
                {
                    "municipality": _(
                        "Choose a board or a municipality, not both: a project leader sees "
                        "the schools of one of them."
                    )
                }
            )
        if self.municipality and self.role != Role.PROJECT_LEADER:
            raise ValidationError(
                {"municipality": _("Only project leaders are scoped to a municipality.")}
            )
        if self.municipality and not School.objects.filter(municipality=self.municipality).exists():
            raise ValidationError(
                {"municipality": _("No school lies in this municipality: check the spelling.")}
            )
        if self.role != Role.PARTNER and self.is_organisation_lead:
            raise ValidationError(
                {"is_organisation_lead": _("Only partner staff can lead an organisation.")}
            )

    def renew_calendar_token(self) -> str:
        self.calendar_token = secrets.token_urlsafe(32)
        self.save(update_fields=["calendar_token"])
        return self.calendar_token


class Family(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="families", verbose_name=_("school")
    )
    code = models.CharField(
        _("family code"),
        max_length=30,
        help_text=_("A code the school chooses; not a name, not a student number."),
    )
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "code"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="unique_family_code_per_school")
        ]

    def __str__(self):
        return self.code


class Parent(models.Model):
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="parents", verbose_name=_("family")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    relation = models.CharField(
        _("relation to the children"), max_length=12, choices=ParentRelation.choices, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.DUTCH
    )
    # The date is the consent: empty means no reminders (one fact, not a flag and a date).
    reminders_consent_on = models.DateField(
        _("consent to email reminders given on"),
        null=True,
        blank=True,
        help_text=_("Only with the parent's explicit consent; empty means no reminders."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["family", "id"]
        verbose_name = _("parent or guardian")
        verbose_name_plural = _("parents and guardians")

    def __str__(self):
        return self.display_name

    @property
    def reminders_opt_in(self) -> bool:
        return self.reminders_consent_on is not None

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or _("Parent %(id)s") % {"id": self.pk}

    @property
    def initials(self) -> str:
        return initials(self.first_name, self.last_name)


def initials(first_name: str, last_name: str) -> str:
    """A parent's initials ("F.E."), or "?" without a name."""
    letters = [part[0].upper() + "." for part in (first_name, last_name) if part]
    return "".join(letters) or "?"


def current_school_year_start() -> int:
    return SchoolYear.current().start_year


def group_after(group: str, years: int) -> str:
    """The groep ``years`` school years after ``group``: "" before groep 1, "other" after 8."""
    for sequence in GROUP_SEQUENCES:
        if group in sequence:
            index = sequence.index(group) + years
            if index < 0:
                return ""
            if index >= len(sequence):
                return ChildGroup.OTHER
            return sequence[index]
    return group


class ChildQuerySet(ScopedQuerySet):
    def in_groups(self, groups, school_year: SchoolYear | None = None):
        """Children whose groep in ``school_year`` (default: this one) is one of ``groups``."""
        return self.filter(child_in_groups_q(groups, school_year))


def child_in_groups_q(groups, school_year: SchoolYear | None = None, prefix: str = "") -> Q:
    """A filter for children whose groep in ``school_year`` is one of ``groups``.

    The stored groep belongs to the stored school year and each later school year adds one
    step, so the filter is an OR over the (groep, year) pairs that lead to a wanted groep.
    ``prefix`` reaches a child through a relation, e.g. ``"child__"``.
    """
    year = (school_year or SchoolYear.current()).start_year
    condition = Q(pk__in=[])
    for group in groups:
        for sequence in GROUP_SEQUENCES:
            if group in sequence:
                target = sequence.index(group)
                for index, stored in enumerate(sequence[: target + 1]):
                    condition |= Q(
                        **{
                            f"{prefix}group": stored,
                            f"{prefix}group_year": year - (target - index),
                        }
                    )
        if group == ChildGroup.OTHER:
            # "Other" stays; a child past the end of her sequence has left: also "other".
            condition |= Q(**{f"{prefix}group": ChildGroup.OTHER})
            for sequence in GROUP_SEQUENCES:
                for index, stored in enumerate(sequence):
                    condition |= Q(
                        **{
                            f"{prefix}group": stored,
                            f"{prefix}group_year__lte": year - (len(sequence) - index),
                        }
                    )
    return condition


class Child(models.Model):
    """A child of a family. ``group`` is her groep in school year ``group_year``; it moves up
    by itself every 1 August (``current_group``), so nobody has to promote a whole school."""

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="children", verbose_name=_("family")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    group = models.CharField(_("group or year"), max_length=5, choices=ChildGroup.choices)
    group_year = models.PositiveSmallIntegerField(
        _("school year of the group"),
        default=current_school_year_start,
        help_text=_("The first calendar year of the school year the group was entered for."),
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["family", "group", "id"]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self):
        return self.first_name or f"{self.get_current_group_display()} ({self.family.code})"

    def group_in(self, school_year: SchoolYear) -> str:
        """Her groep in ``school_year``: "" before she started, "other" once she has left."""
        return group_after(self.group, school_year.start_year - self.group_year)

    @property
    def current_group(self) -> str:
        return self.group_in(SchoolYear.current())

    def get_current_group_display(self) -> str:
        group = self.current_group
        return str(ChildGroup(group).label) if group else ""


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")

    def expire(self, *, before) -> int:
        """Remove the rows older than ``before``: the retention job's way, and the only one."""
        return models.QuerySet.delete(self.filter(at__lt=before))[0]


class AuditLog(models.Model):
    """Who did what to which family record, and when. Never the content of a note."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    family = models.ForeignKey(
        Family,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family"),
    )
    object_type = models.CharField(_("record type"), max_length=50)
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")


class RecurringSchedule(models.Model):
    """A weekday and time that repeats; occurrences come from ``familieschool.recurrence``.

    For every-other-week schedules the week of ``valid_from`` is the first week.
    For the nth-weekday schedule ``nth`` is 1 to 4, or -1 for the last one of the month.
    """

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    recurrence = models.CharField(
        _("recurrence"), max_length=12, choices=Recurrence.choices, default=Recurrence.WEEKLY
    )
    nth = models.SmallIntegerField(
        _("nth weekday"),
        null=True,
        blank=True,
        help_text=_("For monthly schedules: 1 to 4, or -1 for the last one."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The end time must be after the start time.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end date must not be before the start date.")
        if self.recurrence == Recurrence.MONTHLY_NTH and self.nth not in (1, 2, 3, 4, -1):
            errors["nth"] = _("Choose 1, 2, 3, 4 or -1 (the last one).")
        if (
            self.recurrence == Recurrence.ONCE
            and self.valid_from
            and self.weekday is not None
            and self.valid_from.weekday() != self.weekday
        ):
            errors["weekday"] = _("A one-off date must fall on the chosen weekday.")
        if errors:
            raise ValidationError(errors)


class OutboxMessage(models.Model):
    """A task waiting to reach the broker; written in the caller's transaction, ids only."""

    task_name = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent to the broker at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.task_name} #{self.pk}"


class SentLog(models.Model):
    """One row per message sent; the unique key keeps a retried task from sending twice."""

    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(_("key"), max_length=200)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("sent message")
        verbose_name_plural = _("sent log")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="send_once")]

    def __str__(self):
        return f"{self.kind} {self.key}"
