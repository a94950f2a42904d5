from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner staff")
    PROJECT_LEADER = "project_leader", _("Project leader")
    ADMINISTRATOR = "administrator", _("Administrator")


class SchoolType(models.TextChoices):
    PO = "po", _("Primary education (po)")
    VO = "vo", _("Secondary education (vo)")
    SO = "so", _("Special education (so)")


class HolidayRegion(models.TextChoices):
    NORTH = "noord", _("North")
    MIDDLE = "midden", _("Middle")
    SOUTH = "zuid", _("South")


class PartnerCategory(models.TextChoices):
    PARENTING_LIVELIHOOD = (
        "opvoeding_bestaanszekerheid",
        _("Parenting support and livelihood security"),
    )
    TALENT_SPORT = "talentontwikkeling_sport", _("Broad talent development and sport")
    BEHAVIOUR_HEALTH = "gedrag_gezondheid", _("Behaviour and health")
    EDUCATION = "onderwijspartners", _("Education partners")
    KNOWLEDGE = "kennis_professionalisering", _("Knowledge and professional development")
    READING = "leesonderwijs", _("Reading education")
    HOMEWORK = "extra_ondersteuning", _("Extra support / homework guidance")
    MEALS = "maaltijden", _("Meals")
    FINANCIAL_EDUCATION = "financiele_educatie", _("Financial education")
    CAREER = "lob_stage", _("Career guidance / internships")
    OTHER = "overig", _("Other")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    BERBER = "ber", _("Berber (Tamazight)")
    POLISH = "pl", _("Polish")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinya")
    UKRAINIAN = "uk", _("Ukrainian")
    OTHER = "other", _("Other")


class ChildGroup(models.TextChoices):
    G1 = "g1", _("Group 1")
    G2 = "g2", _("Group 2")
    G3 = "g3", _("Group 3")
    G4 = "g4", _("Group 4")
    G5 = "g5", _("Group 5")
    G6 = "g6", _("Group 6")
    G7 = "g7", _("Group 7")
    G8 = "g8", _("Group 8")
    L1 = "l1", _("Year 1 (secondary)")
    L2 = "l2", _("Year 2 (secondary)")
    L3 = "l3", _("Year 3 (secondary)")
    L4 = "l4", _("Year 4 (secondary)")
    L5 = "l5", _("Year 5 (secondary)")
    L6 = "l6", _("Year 6 (secondary)")
    OTHER = "other", _("Other / not at this school")


# A child's groep moves up one step each school year along its sequence; "other" stays.
GROUP_SEQUENCES: tuple[tuple[str, ...], ...] = (
    (
        ChildGroup.G1,
        ChildGroup.G2,
        ChildGroup.G3,
        ChildGroup.G4,
        ChildGroup.G5,
        ChildGroup.G6,
        ChildGroup.G7,
        ChildGroup.G8,
    ),
    (ChildGroup.L1, ChildGroup.L2, ChildGroup.L3, ChildGroup.L4, ChildGroup.L5, ChildGroup.L6),
)


class ParentRelation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    OTHER_CARER = "other_carer", _("Other carer")


# Pupils per groep on a school's year figures: import column, field, the child groups it counts.
PUPILS_PER_GROUP = (
    ("leerlingen_groep_1_2", "pupils_group_1_2", (ChildGroup.G1, ChildGroup.G2)),
    ("leerlingen_groep_3", "pupils_group_3", (ChildGroup.G3,)),
    ("leerlingen_groep_4", "pupils_group_4", (ChildGroup.G4,)),
    ("leerlingen_groep_5", "pupils_group_5", (ChildGroup.G5,)),
    ("leerlingen_groep_6", "pupils_group_6", (ChildGroup.G6,)),
    ("leerlingen_groep_7", "pupils_group_7", (ChildGroup.G7,)),
    ("leerlingen_groep_8", "pupils_group_8", (ChildGroup.G8,)),
    ("leerlingen_klas_1", "pupils_year_1", (ChildGroup.L1,)),
    ("leerlingen_klas_2", "pupils_year_2", (ChildGroup.L2,)),
    ("leerlingen_klas_3", "pupils_year_3", (ChildGroup.L3,)),
    ("leerlingen_klas_4", "pupils_year_4", (ChildGroup.L4,)),
    ("leerlingen_klas_5", "pupils_year_5", (ChildGroup.L5,)),
    ("leerlingen_klas_6", "pupils_year_6", (ChildGroup.L6,)),
)


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    EXPORT = "export", _("Exported")
    DELETE = "delete", _("Deleted")
    ERASE = "erase", _("Erased on request")
    # Sign-in events: the user is the account concerned, the record is that user.
    LOGIN_FAILED = "login_fail", _("Failed login")
    LOCKOUT = "lockout", _("Locked out")
    UNLOCK = "unlock", _("Unlocked")
    OTP_ENROL = "otp_enrol", _("Second factor set up")
    OTP_RECOVERY = "otp_code", _("Recovery code used")
    OTP_RESET = "otp_reset", _("Second factor reset")
    MERGE = "merge", _("Merged")
    LOGIN_OIDC = "login_oidc", _("Logged in through the identity provider")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every other week")
    MONTHLY_NTH = "monthly_nth", _("The nth weekday of the month")
