from familieschool.schoolyear import SchoolYear
from tests.permission_table import A, C, L, P, Row, only


def _export_job(w) -> dict:
    """A ready download of a coordinator of the world's school: the table's coordinator for
    its own school, another school's coordinator for ``elsewhere``."""
    from tests.familieschool.factories import UserFactory
    from tests.rapportage.downloads import ready_job

    school = w.objects.school
    owner = w.users[C]
    if not owner.schools.filter(pk=school.pk).exists():
        owner = UserFactory(username=f"coordinator-{school.pk}", role=C, schools=[school])
    return {"public_id": ready_job(user=owner, school_ids=[school.pk]).public_id}


# The coordinator's own download; the project leader may download too, but not hers.
OWN_DOWNLOAD = {C: 200, P: 403, L: 404, A: 403}
NOT_A_FAMILY_RECORD = "figures of schools, never a family"


def _ended_year(w) -> dict:
    return {"schooljaar": SchoolYear.current().previous().label}


ROWS = [
    Row("rapportage:dashboard", only(C, L)),
    # Asking for a download prepares it in the background and redirects to its page.
    Row(
        "rapportage:export",
        only(C, L, ok=302),
        query=f"schooljaar={SchoolYear.current().label}&formaat=csv",
    ),
    Row(
        "rapportage:export-job",
        OWN_DOWNLOAD,
        kwargs=_export_job,
        elsewhere=True,
        audited=NOT_A_FAMILY_RECORD,
    ),
    Row(
        "rapportage:export-job-status",
        OWN_DOWNLOAD,
        kwargs=_export_job,
        elsewhere=True,
        audited=NOT_A_FAMILY_RECORD,
    ),
    Row(
        "rapportage:export-job-file",
        OWN_DOWNLOAD,
        kwargs=_export_job,
        elsewhere=True,
        audited=NOT_A_FAMILY_RECORD,
    ),
    # Asking again for a download that is not failed (here: ready) leads back to its page.
    Row(
        "rapportage:export-job-retry",
        {**OWN_DOWNLOAD, C: 302},
        kwargs=_export_job,
        method="post",
        elsewhere=True,
        audited=NOT_A_FAMILY_RECORD,
    ),
    Row("rapportage:funding-export", only(C, L)),
    Row("rapportage:snapshots", only(L, A)),
    # A partner's own organisation's figures: no organisation in the URL, it is the user's.
    Row("rapportage:partner-figures", only(P)),
    Row(
        "rapportage:partner-figures-export",
        only(P),
        query=f"periode=schooljaar&schooljaar={SchoolYear.current().label}&formaat=csv",
    ),
    Row("rapportage:snapshot-create", only(L, A, ok=302), method="post", data=_ended_year),
]
