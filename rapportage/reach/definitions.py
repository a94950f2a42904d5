"""What the reach report counts: the indicator codes, their groups and how they relate, and the
plain data the other modules pass along (a school's details, the counted figures, a row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from familieschool.schoolyear import SchoolYear

# --- the rows' entities ------------------------------------------------------------------

TOTAL = "totaal"
BOARD_PREFIX = "bestuur: "

LEVEL_SCHOOL = "school"
LEVEL_BOARD = "board"
LEVEL_BREAKDOWN = "breakdown"
LEVEL_TOTAL = "total"

# Breakdowns: rows that group the schools another way than by board, named like the board rows
# ("soort: po", "gemeente: Utrecht", "wijk: Overvecht", "startjaar: 2019"). The key is the
# name's prefix and the ``--per`` option of export_reach; the value the ``SchoolInfo`` field.
BREAKDOWN_TYPE = "soort"
BREAKDOWN_MUNICIPALITY = "gemeente"
BREAKDOWN_DISTRICT = "wijk"
BREAKDOWN_START_YEAR = "startjaar"
BREAKDOWNS = {
    BREAKDOWN_TYPE: "type",
    BREAKDOWN_MUNICIPALITY: "municipality",
    BREAKDOWN_DISTRICT: "district",
    BREAKDOWN_START_YEAR: "start_year",
}
# A school without a district or starting year is in this group of that breakdown.
UNKNOWN_GROUP = "onbekend"


def breakdown_group(breakdown: str, school: SchoolInfo) -> str:
    """The name of the row of ``breakdown`` that ``school`` counts in, e.g. "wijk: Overvecht"."""
    value = getattr(school, BREAKDOWNS[breakdown])
    return f"{breakdown}: {UNKNOWN_GROUP if value in (None, '') else value}"


# --- groups (a sheet of the XLSX each) ---------------------------------------------------

GROUP_REACH = "bereik"
GROUP_CONTACTS = "contacten"
GROUP_REFERRALS = "doorverwijzingen"
GROUP_ACTIVITIES = "activiteiten"
GROUP_PARTNERS = "partners"
GROUP_FUNDING = "financiers"
GROUPS = {
    GROUP_REACH: _("Reach"),
    GROUP_CONTACTS: _("Contacts"),
    GROUP_REFERRALS: _("Referrals"),
    GROUP_ACTIVITIES: _("Activities"),
    GROUP_PARTNERS: _("Partners"),
    GROUP_FUNDING: _("Funding sources"),
}

# --- indicator codes: the ``indicator`` column of the CSV, a stable contract --------------
# Each code is defined in docs/indicators.md (what is counted, unique over what, the period,
# suppression). A code never changes meaning; a new figure gets a new code.

PUPILS_BASE = "leerlingen"
FAMILIES_BASE = "gezinnen"

FAMILIES_REACHED = "gezinnen_bereikt"
PARENTS_REACHED = "ouders_bereikt"
FAMILIES_SERVICEPUNT = "gezinnen_servicepunt"
FAMILIES_SERVICEPUNT_PCT = "gezinnen_servicepunt_pct"
FAMILIES_ACTIVE_PARENT = "gezinnen_actieve_ouder"
FAMILIES_ACTIVE_PARENT_PCT = "gezinnen_actieve_ouder_pct"
CONTACTS = "contacten"
CONTACTS_ANONYMOUS = "contacten_anoniem"
CONTACTS_PER_MONTH = "contacten_per_maand"
CONTACTS_PER_THEME = "contacten_per_thema"
REFERRALS = "doorverwijzingen"
REFERRALS_COMPLETED = "doorverwijzingen_afgerond"
SESSIONS = "bijeenkomsten"
ATTENDANCE = "deelnames"
PARTICIPANTS = "deelnemers_uniek"
CHILDREN_EXTENDED_DAY = "kinderen_verlengde_schooldag"
CHILDREN_EXTENDED_DAY_PCT = "kinderen_verlengde_schooldag_pct"
CONTACTS_INTERPRETER = "contacten_tolk"
CONTACTS_PER_LANGUAGE = "contacten_per_taal"
PARENTS_NEW = "ouders_nieuw"
PARENTS_RETURNING = "ouders_terugkerend"
PARENTS_PER_PARTNER = "ouders_per_partner"
APPOINTMENTS_ATTENDED = "afspraken_verschenen"
APPOINTMENTS_MISSED = "afspraken_niet_verschenen"
SPREEKUREN_CANCELLED = "spreekuren_geannuleerd"
SPREEKUREN_HELD = "spreekuren_gehouden"
CONTACTS_PER_SOURCE = "contacten_per_bron"
FATHERS_REACHED = "vaders_bereikt"
FAMILIES_PER_PROVISION = "gezinnen_per_voorziening"
FAMILIES_PER_PROVISION_STATUS = "gezinnen_per_voorziening_status"
CHILDREN_PROGRAMME = "kinderen_programma"
CHILDREN_PROGRAMME_PCT = "kinderen_programma_pct"
ACTIVITIES_PER_FUNDER = "activiteiten_per_financier"
SESSIONS_PER_FUNDER = "bijeenkomsten_per_financier"
ATTENDANCE_PER_FUNDER = "deelnames_per_financier"
PARTICIPANTS_PER_FUNDER = "deelnemers_per_financier"
CHILDREN_PER_PROGRAMME = "kinderen_per_programma"
PUPILS_PER_PROGRAMME = "leerlingen_per_programma"
CHILDREN_PER_PROGRAMME_PCT = "kinderen_per_programma_pct"
OFFER_PER_BUILDING_BLOCK = "aanbod_per_bouwsteen"

# Reserved codes of issue 14, defined in docs/indicators.md but not counted yet (their data or
# their counting is not on main): never reuse them for another figure. Every one is counted now.
RESERVED: tuple[str, ...] = ()

# The category of a contact whose language (or source) was not recorded.
LANGUAGE_UNKNOWN = "onbekend"
# The building block of an offer whose activity type has none.
NO_BUILDING_BLOCK = "geen"
SOURCE_UNKNOWN = "onbekend"

# Kept for older imports: the months' code under its first name.
MONTHS = CONTACTS_PER_MONTH

# The denominators of percentages: a school's pupils or families in the school year.
PUPILS = "pupils"
FAMILIES = "families"


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    label: str
    # Counts per category (theme, month, partner, activity type) instead of one number.
    categorised: bool = False
    # A categorised count that also has a row with an empty category: the sum of its categories.
    with_total: bool = False
    # For a percentage: (the count it is computed from, PUPILS or FAMILIES); for a categorised
    # one, (the count, the count per category it is divided by).
    percentage_of: tuple[str, str] | None = None
    # The figure on the dashboard's key-figure table and the export's overview sheet.
    key: bool = False
    # A school's own figure of the school year (PUPILS or FAMILIES), not counted in the
    # records: shown as given, summed like the denominators, never hidden.
    school_figure: str | None = None

    @property
    def is_percentage(self) -> bool:
        return self.percentage_of is not None


INDICATORS = [
    Indicator(PUPILS_BASE, GROUP_REACH, _("Pupils"), school_figure=PUPILS),
    Indicator(FAMILIES_BASE, GROUP_REACH, _("Families"), school_figure=FAMILIES),
    Indicator(FAMILIES_REACHED, GROUP_REACH, _("Families reached"), key=True),
    Indicator(PARENTS_REACHED, GROUP_REACH, _("Parents reached"), key=True),
    Indicator(FATHERS_REACHED, GROUP_REACH, _("Fathers reached")),
    Indicator(
        FAMILIES_PER_PROVISION,
        GROUP_REACH,
        _("Families given a provision, per kind"),
        categorised=True,
    ),
    Indicator(
        FAMILIES_PER_PROVISION_STATUS,
        GROUP_REACH,
        _("Families with a provision, per kind and status"),
        categorised=True,
    ),
    Indicator(FAMILIES_SERVICEPUNT, GROUP_REACH, _("Families supported by the servicepunt")),
    Indicator(
        FAMILIES_SERVICEPUNT_PCT,
        GROUP_REACH,
        _("Families supported by the servicepunt (% of families)"),
        percentage_of=(FAMILIES_SERVICEPUNT, FAMILIES),
        key=True,
    ),
    Indicator(FAMILIES_ACTIVE_PARENT, GROUP_REACH, _("Families with a parent in an active role")),
    Indicator(
        FAMILIES_ACTIVE_PARENT_PCT,
        GROUP_REACH,
        _("Families with a parent in an active role (% of families)"),
        percentage_of=(FAMILIES_ACTIVE_PARENT, FAMILIES),
        key=True,
    ),
    Indicator(CONTACTS, GROUP_CONTACTS, _("Contacts"), key=True),
    Indicator(CONTACTS_ANONYMOUS, GROUP_CONTACTS, _("Anonymous contacts"), key=True),
    Indicator(CONTACTS_PER_MONTH, GROUP_CONTACTS, _("Contacts per month"), categorised=True),
    Indicator(CONTACTS_PER_THEME, GROUP_CONTACTS, _("Contacts per theme"), categorised=True),
    Indicator(CONTACTS_INTERPRETER, GROUP_CONTACTS, _("Contacts with an interpreter")),
    Indicator(
        CONTACTS_PER_SOURCE,
        GROUP_CONTACTS,
        _("Contacts per source (referred by)"),
        categorised=True,
    ),
    Indicator(CONTACTS_PER_LANGUAGE, GROUP_CONTACTS, _("Contacts per language"), categorised=True),
    Indicator(
        REFERRALS, GROUP_REFERRALS, _("Referrals"), categorised=True, with_total=True, key=True
    ),
    Indicator(
        REFERRALS_COMPLETED,
        GROUP_REFERRALS,
        _("Completed referrals"),
        categorised=True,
        with_total=True,
    ),
    Indicator(
        SESSIONS, GROUP_ACTIVITIES, _("Sessions held"), categorised=True, with_total=True, key=True
    ),
    Indicator(
        ATTENDANCE,
        GROUP_ACTIVITIES,
        _("Attendance (named and anonymous)"),
        categorised=True,
        with_total=True,
        key=True,
    ),
    Indicator(PARTICIPANTS, GROUP_ACTIVITIES, _("Unique participants (named)"), categorised=True),
    Indicator(CHILDREN_EXTENDED_DAY, GROUP_ACTIVITIES, _("Children in the extended school day")),
    Indicator(
        CHILDREN_EXTENDED_DAY_PCT,
        GROUP_ACTIVITIES,
        _("Children in the extended school day (% of pupils)"),
        percentage_of=(CHILDREN_EXTENDED_DAY, PUPILS),
        key=True,
    ),
    Indicator(CHILDREN_PROGRAMME, GROUP_ACTIVITIES, _("Children in a children's programme")),
    Indicator(
        CHILDREN_PROGRAMME_PCT,
        GROUP_ACTIVITIES,
        _("Children in a children's programme (% of pupils)"),
        percentage_of=(CHILDREN_PROGRAMME, PUPILS),
    ),
    Indicator(
        CHILDREN_PER_PROGRAMME,
        GROUP_ACTIVITIES,
        _("Children per programme (of its groups)"),
        categorised=True,
    ),
    Indicator(
        PUPILS_PER_PROGRAMME,
        GROUP_ACTIVITIES,
        _("Pupils in a programme's groups"),
        categorised=True,
    ),
    Indicator(
        CHILDREN_PER_PROGRAMME_PCT,
        GROUP_ACTIVITIES,
        _("Children per programme (% of the pupils in its groups)"),
        categorised=True,
        percentage_of=(CHILDREN_PER_PROGRAMME, PUPILS_PER_PROGRAMME),
    ),
    # Per "<building block code>:<target group>": the activities offered, not people.
    Indicator(
        OFFER_PER_BUILDING_BLOCK,
        GROUP_ACTIVITIES,
        _("Activities offered per building block and target group"),
        categorised=True,
    ),
    Indicator(PARENTS_NEW, GROUP_ACTIVITIES, _("Parents at an activity for the first time")),
    Indicator(PARENTS_RETURNING, GROUP_ACTIVITIES, _("Returning parents at activities")),
    Indicator(
        PARENTS_PER_PARTNER,
        GROUP_PARTNERS,
        _("Unique parents per partner (referral or appointment)"),
        categorised=True,
    ),
    Indicator(
        APPOINTMENTS_ATTENDED,
        GROUP_PARTNERS,
        _("Appointments kept"),
        categorised=True,
        with_total=True,
    ),
    Indicator(
        APPOINTMENTS_MISSED,
        GROUP_PARTNERS,
        _("Appointments missed"),
        categorised=True,
        with_total=True,
    ),
    Indicator(
        SPREEKUREN_CANCELLED,
        GROUP_PARTNERS,
        _("Consultation hours cancelled"),
        categorised=True,
        with_total=True,
    ),
    Indicator(
        SPREEKUREN_HELD,
        GROUP_PARTNERS,
        _("Consultation hours held"),
        categorised=True,
        with_total=True,
    ),
    # Per funding source, without a total row: an activity with two sources counts under both.
    Indicator(
        ACTIVITIES_PER_FUNDER,
        GROUP_FUNDING,
        _("Activities per funding source"),
        categorised=True,
    ),
    Indicator(
        SESSIONS_PER_FUNDER, GROUP_FUNDING, _("Sessions held per funding source"), categorised=True
    ),
    Indicator(
        ATTENDANCE_PER_FUNDER,
        GROUP_FUNDING,
        _("Attendance per funding source (named and anonymous)"),
        categorised=True,
    ),
    Indicator(
        PARTICIPANTS_PER_FUNDER,
        GROUP_FUNDING,
        _("Unique participants per funding source (named)"),
        categorised=True,
    ),
]
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
# Counts whose categories add up to another figure: contacts over the months (which give the
# contacts' number) and over the languages (a sum a reader can redo, for suppression).
PARTITIONS = {
    CONTACTS_PER_MONTH: CONTACTS,
    CONTACTS_PER_LANGUAGE: CONTACTS,
    CONTACTS_PER_SOURCE: CONTACTS,
}
# The counted figures; everything else is a sum or a percentage of these.
BASE_COUNTS = [
    FAMILIES_REACHED,
    PARENTS_REACHED,
    FAMILIES_SERVICEPUNT,
    FAMILIES_ACTIVE_PARENT,
    CONTACTS_ANONYMOUS,
    CONTACTS_PER_MONTH,
    CONTACTS_PER_THEME,
    REFERRALS,
    REFERRALS_COMPLETED,
    SESSIONS,
    ATTENDANCE,
    PARTICIPANTS,
    CHILDREN_EXTENDED_DAY,
    CONTACTS_INTERPRETER,
    CONTACTS_PER_LANGUAGE,
    PARENTS_NEW,
    PARENTS_RETURNING,
    PARENTS_PER_PARTNER,
    APPOINTMENTS_ATTENDED,
    APPOINTMENTS_MISSED,
    SPREEKUREN_CANCELLED,
    SPREEKUREN_HELD,
    CONTACTS_PER_SOURCE,
    FATHERS_REACHED,
    FAMILIES_PER_PROVISION,
    FAMILIES_PER_PROVISION_STATUS,
    CHILDREN_PROGRAMME,
    ACTIVITIES_PER_FUNDER,
    SESSIONS_PER_FUNDER,
    ATTENDANCE_PER_FUNDER,
    PARTICIPANTS_PER_FUNDER,
    CHILDREN_PER_PROGRAMME,
    PUPILS_PER_PROGRAMME,
    OFFER_PER_BUILDING_BLOCK,
]
# Categories that appear only where something was counted (a partner without referrals in
# the selection gets no rows); the others are listed in full, zeros included.
SPARSE = {
    OFFER_PER_BUILDING_BLOCK,
    CHILDREN_PER_PROGRAMME,
    PUPILS_PER_PROGRAMME,
    FAMILIES_PER_PROVISION_STATUS,
    REFERRALS,
    REFERRALS_COMPLETED,
    PARENTS_PER_PARTNER,
    APPOINTMENTS_ATTENDED,
    APPOINTMENTS_MISSED,
    SPREEKUREN_CANCELLED,
    SPREEKUREN_HELD,
    ACTIVITIES_PER_FUNDER,
    SESSIONS_PER_FUNDER,
    ATTENDANCE_PER_FUNDER,
    PARTICIPANTS_PER_FUNDER,
}
PER_PARTNER = (
    PARENTS_PER_PARTNER,
    APPOINTMENTS_ATTENDED,
    APPOINTMENTS_MISSED,
    SPREEKUREN_CANCELLED,
    SPREEKUREN_HELD,
)
# Categorised figures whose categories are activity-type codes, and theme codes.
PER_ACTIVITY_TYPE = (SESSIONS, ATTENDANCE, PARTICIPANTS)
PER_THEME = (CONTACTS_PER_THEME,)
# Categorised figures whose categories are funding sources' names.
PER_FUNDER = (
    ACTIVITIES_PER_FUNDER,
    SESSIONS_PER_FUNDER,
    ATTENDANCE_PER_FUNDER,
    PARTICIPANTS_PER_FUNDER,
)
# Categorised by programme (activity title), the percentage per programme of its own count.
PER_PROGRAMME = (CHILDREN_PER_PROGRAMME, PUPILS_PER_PROGRAMME, CHILDREN_PER_PROGRAMME_PCT)


# --- the data passed between counting, suppression and rows ------------------------------


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    name: str
    board: str
    pupils: int | None
    families: int | None
    # What the breakdowns group by (see ``BREAKDOWNS``).
    type: str = ""
    municipality: str = ""
    district: str = ""
    start_year: int | None = None


@dataclass
class Figures:
    """The counted figures per school, before totals, percentages and suppression."""

    school_year: SchoolYear
    schools: list[SchoolInfo]
    categories: dict[str, list[str]]
    values: dict[tuple[int, str, str], int]
    frozen_at: datetime | None = None
    # When kept figures were counted (``kept``); None for figures counted just now.
    counted_at: datetime | None = None
    # The ``schooljaar`` column for a period that is not a school year ("2024", or
    # "2024-01-01/2024-06-30"); None: the school year's label.
    period_label: str | None = None
    # Counted figures (codes of BASE_COUNTS) the figures do not hold: a year frozen before
    # the figure existed. Their rows are unknown (None), not 0.
    absent: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return self.period_label or self.school_year.label


@dataclass(frozen=True)
class ReachRow:
    """One figure: ``waarde`` is the text the exports write."""

    school_year: str
    school: str
    indicator: str
    category: str
    value: int | Decimal | None
    hidden: bool = False
    level: str = LEVEL_SCHOOL
    min_cell: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.school, self.indicator, self.category)

    @property
    def is_percentage(self) -> bool:
        return BY_CODE[self.indicator].is_percentage

    @property
    def shown(self) -> int | Decimal | None:
        """The value a reader may see: None when hidden or unknown."""
        return None if self.hidden else self.value

    @property
    def waarde(self) -> str:
        if self.hidden:
            return f"<{self.min_cell}"
        if self.value is None:
            return ""
        if isinstance(self.value, Decimal):
            return f"{self.value:.1f}"
        return str(self.value)
