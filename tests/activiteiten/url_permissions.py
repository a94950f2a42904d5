from tests.activiteiten.factories import (
    ActiveParentRoleFactory,
    ActivityFactory,
    ChildrenProgrammeFactory,
    EnrolmentFactory,
    FundingBudgetFactory,
    SessionFactory,
)
from tests.permission_table import ROLES, C, Row, only


def _activity(w):
    return {"pk": ActivityFactory(school=w.objects.school).pk}


def _programme(w):
    return {"pk": ChildrenProgrammeFactory(school=w.objects.school).pk}


ROWS = [
    Row("activiteiten:activity-list", only(C)),
    Row("activiteiten:activity-create", only(C)),
    Row(
        "activiteiten:activity-detail",
        only(C),
        kwargs=_activity,
        elsewhere=True,
        audited="an activity and its dates, not a family record",
    ),
    Row(
        "activiteiten:activity-update",
        only(C),
        kwargs=_activity,
        elsewhere=True,
        audited="an activity, not a family record",
    ),
    Row(
        "activiteiten:session-create",
        only(C),
        kwargs=_activity,
        elsewhere=True,
        audited="an activity, not a family record",
    ),
    Row(
        "activiteiten:attendance",
        only(C),
        kwargs=lambda w: {**_activity(w), "day": "2024-10-08"},
        elsewhere=True,
        audited="a session's attendance list, not one family's record",
    ),
    Row(
        "activiteiten:attendance-search",
        only(C),
        kwargs=lambda w: {**_activity(w), "day": "2024-10-08"},
        method="post",
        data=lambda w: {"q": "ou"},
        elsewhere=True,
        audited="the attendance page's search: names to tick, not one family's record",
    ),
    Row(
        "activiteiten:enrolment-list",
        only(C),
        kwargs=_programme,
        elsewhere=True,
        audited="an activity's enrolment lists, not one family's record",
    ),
    Row(
        "activiteiten:session-update",
        only(C),
        kwargs=lambda w: {"pk": SessionFactory(activity__school=w.objects.school).pk},
        elsewhere=True,
        audited="a session, not a family record",
    ),
    Row(
        "activiteiten:enrolment-update",
        only(C),
        kwargs=lambda w: {"pk": EnrolmentFactory(activity__school=w.objects.school).pk},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "activiteiten:enrolment-withdraw",
        only(C, ok=302),
        kwargs=lambda w: {"pk": EnrolmentFactory(activity__school=w.objects.school).pk},
        method="post",
        elsewhere=True,
        audited=True,
    ),
    Row("activiteiten:budget-list", only(C)),
    Row("activiteiten:budget-create", only(C)),
    Row(
        "activiteiten:budget-update",
        only(C),
        kwargs=lambda w: {"pk": FundingBudgetFactory(school=w.objects.school).pk},
        elsewhere=True,
        audited="a school's budget, not a family record",
    ),
    Row(
        "activiteiten:budget-delete",
        only(C, ok=302),
        kwargs=lambda w: {"pk": FundingBudgetFactory(school=w.objects.school).pk},
        method="post",
        elsewhere=True,
        audited="a school's budget, not a family record",
    ),
    Row("activiteiten:role-home", only(C, ok=302)),
    Row(
        "activiteiten:role-list",
        only(C),
        kwargs=lambda w: {"school": w.objects.school.slug},
        elsewhere=True,
        audited="a school's list of active parents, not one family's record",
    ),
    Row(
        "activiteiten:role-delete",
        only(C, ok=302),
        kwargs=lambda w: {"pk": ActiveParentRoleFactory(parent=w.objects.parent).pk},
        method="post",
        elsewhere=True,
        audited=True,
    ),
    # The public page and its poster need no login and look the same for everyone.
    Row(
        "activiteiten:public-school",
        dict.fromkeys(ROLES, 200),
        kwargs=lambda w: {"slug": w.objects.school.slug},
        anonymous=200,
        query="taal=ar",
        elsewhere="a public page, the same for every school",
        audited="a public page: no family on it",
    ),
    Row(
        "activiteiten:public-poster",
        dict.fromkeys(ROLES, 200),
        kwargs=lambda w: {"slug": w.objects.school.slug},
        anonymous=200,
        elsewhere="a public page, the same for every school",
        audited="a public page: no family on it",
    ),
]
