from tests.permission_table import C, P, Row, only


def _contact(w):
    from tests.servicepunt.factories import ContactFactory

    return ContactFactory(school=w.objects.school, family=w.objects.family)


def _referral(w):
    from tests.servicepunt.factories import ContactFactory, ReferralFactory

    contact = ContactFactory(school=w.objects.school, family=w.objects.family)
    return ReferralFactory(contact=contact, partner=w.objects.partner)


def _parent(w):
    from tests.familieschool.factories import ParentFactory

    return ParentFactory(family=w.objects.family)


def _child(w):
    from tests.familieschool.factories import ChildFactory

    return ChildFactory(family=w.objects.family)


def _provision(w):
    from tests.servicepunt.factories import ProvisionFactory

    return ProvisionFactory(family=w.objects.family)


def _family_pk(w):
    return {"pk": w.objects.family.pk}


ROWS = [
    # Partner staff log questions at the inloop of schools where they hold a spreekuur.
    Row("servicepunt:walkin", only(C, P)),
    Row(
        "servicepunt:family-search",
        only(C),
        method="post",
        data=lambda w: {"q": w.objects.family.code},
    ),
    Row(
        "servicepunt:family-codes",
        only(C),
        method="post",
        data=lambda w: {"q": w.objects.family.code},
    ),
    Row(
        "servicepunt:family-detail",
        only(C),
        kwargs=lambda w: {"pk": w.objects.family.pk},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:family-timeline",
        only(C),
        kwargs=lambda w: {"pk": w.objects.family.pk},
        # The entries before 1 January 2100 (TimelineCursor.token): all of them.
        query="voor=4102444800000000.contact.0",
        elsewhere=True,
        audited=True,
    ),
    Row("servicepunt:contact-list", only(C)),
    Row(
        "servicepunt:contact-detail",
        only(C),
        kwargs=lambda w: {"pk": _contact(w).pk},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:contact-update",
        only(C),
        kwargs=lambda w: {"pk": _contact(w).pk},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:referral-create",
        only(C),
        kwargs=lambda w: {"pk": _contact(w).pk},
        elsewhere=True,
        audited=True,
    ),
    Row("servicepunt:referral-list", only(C)),
    Row(
        "servicepunt:referral-detail",
        only(C),
        kwargs=lambda w: {"pk": _referral(w).pk},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:referral-status",
        only(C, ok=302),
        kwargs=lambda w: {"pk": _referral(w).pk},
        method="post",
        data=lambda w: {"status": "afspraak_gepland", "outcome_note": ""},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:referral-withdraw",
        only(C, ok=302),
        kwargs=lambda w: {"pk": _referral(w).pk},
        method="post",
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:partner-updates-seen",
        only(C, ok=302),
        method="post",
        data=lambda w: {"until": "2026-01-01T09:00:00+00:00"},
    ),
    Row("servicepunt:partner-referral-list", only(P)),
    Row(
        "servicepunt:partner-referral-detail",
        only(P),
        kwargs=lambda w: {"pk": _referral(w).pk},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:partner-referral-update",
        only(P, ok=302),
        kwargs=lambda w: {"pk": _referral(w).pk},
        method="post",
        data=lambda w: {"status": "afspraak_gepland", "outcome_note": ""},
        elsewhere=True,
        audited=True,
    ),
    Row("servicepunt:import", only(C)),
    Row("servicepunt:import-confirm", only(C, ok=302), method="post"),
    Row("servicepunt:import-template", only(C)),
    Row(
        "servicepunt:family-update",
        only(C),
        kwargs=_family_pk,
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:family-merge",
        only(C),
        kwargs=_family_pk,
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:parent-create",
        only(C),
        kwargs=_family_pk,
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:child-create",
        only(C),
        kwargs=_family_pk,
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:provision-create",
        only(C),
        kwargs=_family_pk,
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:parent-update",
        only(C),
        kwargs=lambda w: {"pk": _parent(w).pk},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:parent-delete",
        only(C, ok=302),
        kwargs=lambda w: {"pk": _parent(w).pk},
        method="post",
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:child-update",
        only(C),
        kwargs=lambda w: {"pk": _child(w).pk},
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:child-delete",
        only(C, ok=302),
        kwargs=lambda w: {"pk": _child(w).pk},
        method="post",
        elsewhere=True,
        audited=True,
    ),
    Row(
        "servicepunt:provision-update",
        only(C),
        kwargs=lambda w: {"pk": _provision(w).pk},
        elsewhere=True,
        audited=True,
    ),
]
