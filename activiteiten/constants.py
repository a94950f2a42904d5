from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetGroup(models.TextChoices):
    PARENTS = "parents", _("Parents")
    CHILDREN = "children", _("Children")
    BOTH = "both", _("Parents and children")
    TEAM = "team", _("School team")


# The target groups whose activities are children's programmes (kinderen_programma).
FOR_CHILDREN = (TargetGroup.CHILDREN, TargetGroup.BOTH)
FOR_PARENTS = (TargetGroup.PARENTS, TargetGroup.BOTH)


class Organiser(models.TextChoices):
    SCHOOL = "school", _("School")
    PARTNER = "partner", _("Partner")
    PARENTS = "parents", _("Parents")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ActiveRole(models.TextChoices):
    CLASS_PARENT = "klassenouder", _("Class parent")
    AMBASSADOR = "ouderambassadeur", _("Parent ambassador")
    BREAKFAST = "ontbijt", _("Helps at breakfast")
    LIBRARY = "bibliotheek", _("Helps in the library")
    HOMEWORK = "huiswerkklas", _("Helps at the homework class")
    OTHER = "overig", _("Other")


# Stable codes of the default activity types; names are editable in admin.
DEFAULT_ACTIVITY_TYPES = [
    ("koffieochtend", "Koffieochtend"),
    ("themabijeenkomst", "Themabijeenkomst"),
    ("taalles", "Taalles voor ouders"),
    ("huiswerkklas", "Huiswerkklas"),
    ("vadergroep", "Vadergroep"),
    ("verlengde_schooldag", "Verlengde schooldag module"),
    ("ouder_kind", "Ouder-kindactiviteit"),
    ("excursie", "Excursie"),
    ("cursus", "Cursus"),
    ("overig", "Overig"),
]
EXTENDED_SCHOOL_DAY = "verlengde_schooldag"

# Seed 003, table 7.1.
DEFAULT_FUNDING_SOURCES = [
    "Regeling brugfunctionaris",
    "School en Omgeving",
    "Brede Talent Ontwikkeling",
    "Verrijkte Schooldag",
    "Fondsen",
    "Eigen middelen school",
]
