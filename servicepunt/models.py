from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familieschool.access import PARTNER, role_of
from familieschool.constants import Language
from familieschool.models import (
    Child,
    CodedList,
    Family,
    Parent,
    PartnerOrganisation,
    School,
    ScopedQuerySet,
    initials,
)

from .constants import (
    AWAITING_APPOINTMENT_STATUSES,
    BOOKABLE_REFERRAL_STATUSES,
    OPEN_REFERRAL_STATUSES,
    Channel,
    ConsentMethod,
    Outcome,
    ProvisionStatus,
    ReferralStatus,
)


class Theme(CodedList):
    active = models.BooleanField(_("active"), default=True)
    suggested_partners = models.ManyToManyField(
        PartnerOrganisation,
        blank=True,
        related_name="suggested_for_themes",
        verbose_name=_("suggested partners"),
    )

    class Meta(CodedList.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class ContactSource(CodedList):
    """Who brought the family ("aangemeld door"): an editable list."""

    active = models.BooleanField(_("active"), default=True)

    class Meta(CodedList.Meta):
        verbose_name = _("source of a contact")
        verbose_name_plural = _("sources of contacts")


class Contact(models.Model):
    """A parent's question at the servicepunt; without a family it is anonymous."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("school")
    )
    occurred_at = models.DateTimeField(_("date and time"), default=timezone.now, db_index=True)
    channel = models.CharField(
        _("channel"), max_length=15, choices=Channel.choices, default=Channel.WALK_IN
    )
    themes = models.ManyToManyField(
        Theme, through="ContactTheme", related_name="contacts", verbose_name=_("themes")
    )
    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("family"),
    )
    parent = models.ForeignKey(
        Parent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("parent"),
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("on behalf of child"),
    )
    language = models.CharField(
        _("language used"), max_length=5, choices=Language.choices, blank=True
    )
    interpreter = models.BooleanField(_("with an interpreter"), default=False)
    source = models.ForeignKey(
        ContactSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("referred to us by"),
    )
    answered_by_partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_contacts",
        verbose_name=_("answered by partner"),
        help_text=_("Set when partner staff answered the question at the inloop."),
    )
    note = models.CharField(_("short note"), max_length=500, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.ANSWERED
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        # With the id the contact list's order (-occurred_at, -id) is the index's order, and the
        # capped count of a filtered list reads the school's ids from the index alone; with the
        # family (included, PostgreSQL only) also for "known family" / "anonymous".
        indexes = [
            models.Index(
                fields=["school", "occurred_at", "id"],
                include=["family"],
                name="contact_school_time_family",
            )
        ]

    def __str__(self):
        return f"{self.school} {timezone.localtime(self.occurred_at):%Y-%m-%d %H:%M}"

    @property
    def is_anonymous(self) -> bool:
        return self.family_id is None

    def clean(self):
        super().clean()
        errors = {}
        if self.family_id and self.school_id and self.family.school_id != self.school_id:
            errors["family"] = _("This family belongs to another school.")
        if self.parent_id and self.parent.family_id != self.family_id:
            errors["parent"] = _("This parent is not part of the chosen family.")
        if self.child_id and self.child.family_id != self.family_id:
            errors["child"] = _("This child is not part of the chosen family.")
        if self.outcome == Outcome.FOLLOW_UP and not self.follow_up_on:
            errors["follow_up_on"] = _("Choose the date of the follow-up.")
        if errors:
            raise ValidationError(errors)


class ContactTheme(models.Model):
    """A theme of a contact, with the contact's school (``contact_themes_set`` fills it).

    With the school the themed contact list counts the theme's links of the user's schools,
    not the theme's links in the whole city. A contact keeps the school it was registered at
    (no service moves it and the admin shows it read-only), so the copy cannot go stale.
    """

    # The unique (contact, theme) serves a contact's themes, the (theme, school, contact) index
    # a theme's contacts; an index on either column alone would only cost writes.
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, db_index=False, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, db_index=False, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, db_index=False, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        # Django's automatic table of ``Contact.themes``, kept with its rows (migration 0013).
        db_table = "servicepunt_contact_themes"
        unique_together = [("contact", "theme")]
        indexes = [models.Index(fields=["theme", "school", "contact"], name="contact_theme_school")]
        verbose_name = _("theme of a contact")
        verbose_name_plural = _("themes of contacts")

    def __str__(self):
        return str(self.theme)

    @classmethod
    def link(cls, contact: Contact, theme: Theme) -> "ContactTheme":
        """The (unsaved) link of ``contact`` and ``theme``, with the contact's school: for
        writers that create links in bulk (``contact_themes_set`` writes them one contact at a
        time)."""
        return cls(contact_id=contact.pk, theme_id=theme.pk, school_id=contact.school_id)


def partner_parent_label(parent: Parent, *, details_shared: bool) -> str:
    """A parent as a partner sees them: first name where details are shared, else initials."""
    return partner_name_label(parent.first_name, parent.last_name, details_shared=details_shared)


def partner_name_label(first_name: str, last_name: str, *, details_shared: bool) -> str:
    """``partner_parent_label`` from the parent's names (rows read as values)."""
    if details_shared and first_name:
        return first_name
    return initials(first_name, last_name)


def consent_stands(status: str) -> bool:
    """Whether a referral with ``status`` still has the parent's consent (withdrawal is the
    status): ``Referral.consent_stands`` of a status read as a value."""
    return status != ReferralStatus.WITHDRAWN


class ReferralQuerySet(ScopedQuerySet):
    def consent_standing(self):
        """Referrals whose consent the parent has not withdrawn."""
        return self.exclude(status=ReferralStatus.WITHDRAWN)

    def visible_to(self, user):
        """As for every record; partner staff lose sight of a referral when consent goes."""
        visible = super().visible_to(user)
        return visible.consent_standing() if role_of(user) == PARTNER else visible


class Referral(models.Model):
    """A warm handover to a partner, only with the parent's recorded consent.

    Withdrawn consent is the status "ingetrokken"; it is final, so the moment the status
    changed is the moment of withdrawal.
    """

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("contact")
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("school")
    )
    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("family"),
    )
    parent = models.ForeignKey(
        Parent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("parent"),
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("partner"),
    )
    themes = models.ManyToManyField(Theme, related_name="referrals", verbose_name=_("themes"))
    consent_given_by = models.CharField(_("consent given by"), max_length=100)
    consent_method = models.CharField(
        _("consent given"), max_length=10, choices=ConsentMethod.choices
    )
    consent_date = models.DateField(_("date of consent"))
    share_contact_details = models.BooleanField(
        _("the partner may contact the parent"),
        default=False,
        help_text=_("The parent agreed that the partner sees how to reach them."),
    )
    warm_handover = models.BooleanField(_("warm handover"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REGISTERED,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    walk_in_on = models.DateField(
        _("told the parent to come on"),
        null=True,
        blank=True,
        help_text=_("For a partner without bookable times: the walk-in date the parent was given."),
    )
    outcome_note = models.CharField(_("outcome"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        # The partner's week and referral list: one partner's newest referrals per school.
        indexes = [
            models.Index(
                fields=["partner", "school", "-created_at"], name="referral_partner_school_new"
            ),
            # The partner's referral list: the newest 25 of five years, not all of them sorted.
            models.Index(fields=["partner", "-created_at", "-id"], name="referral_partner_new"),
            # The partner's week: the newest open referrals of each school and how many there
            # are, ranked from this index alone (status included for the consent filter).
            models.Index(
                fields=["partner", "school", "-created_at", "-id"],
                name="referral_partner_school_open",
                condition=models.Q(status__in=OPEN_REFERRAL_STATUSES),
                include=["status"],
            ),
            # The school week's referrals waiting for an appointment, per school and partner:
            # without it PostgreSQL combined each pair's referrals with the status index, every
            # waiting referral of the city (23,000 on the city-sized set).
            models.Index(
                fields=["school", "partner", "created_at", "id"],
                name="referral_awaiting",
                condition=models.Q(status__in=AWAITING_APPOINTMENT_STATUSES),
            ),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_status_display()})"

    @property
    def is_bookable(self) -> bool:
        """Consent stands and the referral is open: the parent can get an appointment."""
        return self.consent_stands and self.status in BOOKABLE_REFERRAL_STATUSES

    @property
    def consent_stands(self) -> bool:
        return consent_stands(self.status)

    @property
    def consent_withdrawn_at(self):
        return None if self.consent_stands else self.status_changed_at

    @property
    def partner_parent_label(self) -> str:
        """The parent as the partner sees them on this referral ("" without a parent)."""
        if self.parent is None:
            return ""
        return partner_parent_label(self.parent, details_shared=self.share_contact_details)


class ReferralStatusChange(models.Model):
    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("referral"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.referral_id} {self.status}"


class PartnerUpdatesSeen(models.Model):
    """Until when a coordinator has seen what partners changed on her referrals."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    seen_at = models.DateTimeField(_("seen up to"))

    class Meta:
        verbose_name = _("partner updates seen")
        verbose_name_plural = _("partner updates seen")

    def __str__(self):
        return f"{self.user_id} {self.seen_at:%Y-%m-%d %H:%M}"


class ProvisionKind(CodedList):
    """A kind of material aid or fund application ("voorziening"): an editable list."""

    active = models.BooleanField(_("active"), default=True)

    class Meta(CodedList.Meta):
        verbose_name = _("kind of provision")
        verbose_name_plural = _("kinds of provisions")


class Provision(models.Model):
    """Material aid handed out or a fund applied for, for a family and maybe one child."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="provisions", verbose_name=_("family")
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provisions",
        verbose_name=_("for child"),
    )
    kind = models.ForeignKey(
        ProvisionKind, on_delete=models.PROTECT, related_name="provisions", verbose_name=_("kind")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProvisionStatus.choices,
        default=ProvisionStatus.REQUESTED,
    )
    occurred_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    provided_by = models.CharField(
        _("by whom"),
        max_length=100,
        blank=True,
        help_text=_("The organisation or fund that provides it, e.g. the food bank."),
    )
    note = models.CharField(_("short note"), max_length=300, blank=True)
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provisions",
        verbose_name=_("registered at contact"),
    )
    # A partner sees a provision only through a referral with standing consent.
    referral = models.ForeignKey(
        Referral,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provisions",
        verbose_name=_("through referral"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")

    def __str__(self):
        return f"{self.kind} ({self.get_status_display()})"

    def clean(self):
        super().clean()
        errors = {}
        if self.child_id and self.child.family_id != self.family_id:
            errors["child"] = _("This child is not part of the chosen family.")
        if self.contact_id and self.contact.family_id != self.family_id:
            errors["contact"] = _("This contact is about another family.")
        if self.referral_id and self.referral.family_id != self.family_id:
            errors["referral"] = _("This referral is about another family.")
        if errors:
            raise ValidationError(errors)
