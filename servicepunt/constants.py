from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WALK_IN = "inloop", _("Walk-in")
    PHONE = "telefoon", _("Phone")
    COFFEE_MORNING = "koffieochtend", _("Coffee morning")
    SPREEKUUR = "spreekuur", _("Consultation hour")
    SCHOOLYARD = "schoolplein", _("Schoolyard")
    HOME_VISIT = "huisbezoek", _("Home visit")
    EMAIL_APP = "email_app", _("Email / app")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered on the spot")
    REFERRED = "referred", _("Referred")
    FOLLOW_UP = "follow_up", _("Follow-up on a date")


class ReferralStatus(models.TextChoices):
    REGISTERED = "aangemeld", _("Registered")
    APPOINTMENT_PLANNED = "afspraak_gepland", _("Appointment planned")
    IN_PROGRESS = "in_behandeling", _("In progress")
    COMPLETED = "afgerond", _("Completed")
    NOT_REACHED = "niet_bereikt", _("Not reached / did not show up")
    DECLINED = "afgewezen", _("Declined")
    WITHDRAWN = "ingetrokken", _("Withdrawn")


OPEN_REFERRAL_STATUSES = (
    ReferralStatus.REGISTERED,
    ReferralStatus.APPOINTMENT_PLANNED,
    ReferralStatus.IN_PROGRESS,
)
# A referral in one of these statuses can (still) get an appointment.
BOOKABLE_REFERRAL_STATUSES = (
    ReferralStatus.REGISTERED,
    ReferralStatus.NOT_REACHED,
    ReferralStatus.APPOINTMENT_PLANNED,
    ReferralStatus.IN_PROGRESS,
)
# A referral in one of these statuses waits for an appointment (or a walk-in date) with a
# partner: the school week lists them (``partners.selectors.referrals_awaiting_appointment``).
AWAITING_APPOINTMENT_STATUSES = (ReferralStatus.REGISTERED, ReferralStatus.NOT_REACHED)


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbally")
    WRITTEN = "written", _("In writing")


# Stable codes for the default themes (DOMAIN.md); names are editable in admin.
DEFAULT_THEMES = [
    ("geldzaken", "Geldzaken en schulden"),
    ("toeslagen", "Toeslagen, regelingen en fondsen"),
    ("werk", "Werk, opleiding en inkomen"),
    ("opvoeding", "Opvoeding en ontwikkeling"),
    ("gezondheid", "Gezondheid en zorg"),
    ("veiligheid", "Veiligheid in het gezin"),
    ("wonen", "Wonen"),
    ("taal", "Taal en inburgering"),
    ("verblijf", "Verblijfsstatus en juridische vragen"),
    ("onderwijs", "Onderwijs en schoolkeuze"),
    ("vrijetijd", "Vrije tijd, sport en cultuur"),
    ("materieel", "Materiële hulp"),
    ("formulieren", "Post, formulieren en digitale zaken"),
    ("netwerk", "Sociaal netwerk en eenzaamheid"),
    ("overig", "Overig"),
]

CLOSED_REFERRAL_STATUSES = (
    ReferralStatus.COMPLETED,
    ReferralStatus.NOT_REACHED,
    ReferralStatus.DECLINED,
    ReferralStatus.WITHDRAWN,
)

# Which status may follow which. Withdrawal goes through referral_withdraw_consent only,
# because it also records when the consent was withdrawn.
REFERRAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.REGISTERED: (
        ReferralStatus.APPOINTMENT_PLANNED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
        ReferralStatus.NOT_REACHED,
        ReferralStatus.DECLINED,
    ),
    ReferralStatus.APPOINTMENT_PLANNED: (
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
        ReferralStatus.NOT_REACHED,
        ReferralStatus.DECLINED,
    ),
    ReferralStatus.IN_PROGRESS: (ReferralStatus.COMPLETED, ReferralStatus.NOT_REACHED),
    # A parent who did not show up may get a second appointment.
    ReferralStatus.NOT_REACHED: (ReferralStatus.APPOINTMENT_PLANNED,),
    ReferralStatus.COMPLETED: (),
    ReferralStatus.DECLINED: (),
    ReferralStatus.WITHDRAWN: (),
}

# The columns of the contact import (see the template file).
IMPORT_REQUIRED_COLUMNS = ["datum", "school", "themas"]
IMPORT_OPTIONAL_COLUMNS = [
    "gezin",
    "ouder",
    "kanaal",
    "doorverwezen_naar",
    "toestemming",
    "notitie",
]
IMPORT_COLUMNS = [
    "datum",
    "school",
    "gezin",
    "ouder",
    "kanaal",
    "themas",
    "doorverwezen_naar",
    "toestemming",
    "notitie",
]


class ProvisionStatus(models.TextChoices):
    REQUESTED = "aangevraagd", _("Applied for")
    GRANTED = "toegekend", _("Granted")
    REFUSED = "afgewezen", _("Refused")
    PROVIDED = "verstrekt", _("Provided")


# Stable codes for the seeded lists; names are editable in admin.
DEFAULT_CONTACT_SOURCES = [
    ("ouder", "Ouder zelf"),
    ("leerkracht", "Leerkracht"),
    ("ib", "Intern begeleider"),
    ("smw", "Schoolmaatschappelijk werk"),
    ("sportcoach", "Sportcoach"),
    ("ouderambassadeur", "Ouderambassadeur"),
    ("jgz", "JGZ"),
    ("huisarts", "Huisarts"),
    ("veiligthuis", "Veilig Thuis"),
    ("partner", "Partner"),
    ("anders", "Anders"),
]

DEFAULT_PROVISION_KINDS = [
    ("boodschappentas", "Boodschappentas"),
    ("boodschappenkaart", "Boodschappenkaart"),
    ("jeugdfonds", "Jeugdfonds Sport & Cultuur"),
    ("jeugdeducatiefonds", "Jeugdeducatiefonds"),
    ("leergeld", "Stichting Leergeld"),
    ("stadspas", "Stadspas/U-pas aanvraag"),
    ("kleding", "Kleding"),
    ("laptop", "Laptop of tablet"),
    ("fiets", "Fiets"),
    ("bed", "Bed of matras"),
    ("feestdagenpakket", "Feestdagenpakket"),
    ("overig", "Overig"),
]

# The columns of the provisions import.
PROVISION_IMPORT_COLUMNS = ["datum", "school", "gezin", "voorziening", "status", "notitie"]
