import re
from datetime import datetime, time, timedelta

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from familieschool.constants import AuditAction
from familieschool.models import AuditLog, Family
from servicepunt.constants import ReferralStatus
from servicepunt.models import Contact, Referral
from servicepunt.pagination import rows_of_page
from tests.familieschool.factories import (
    ChildFactory,
    FamilyFactory,
    ParentFactory,
    SchoolFactory,
)
from tests.servicepunt.factories import ContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db

WALKIN = reverse("servicepunt:walkin")


def now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def walkin_data(school, *theme_list, **extra):
    return {
        "school": school.pk,
        "themes": [theme.pk for theme in theme_list],
        "channel": "inloop",
        "occurred_at": now_local(),
        "who": "anonymous",
        "outcome": "answered",
        **extra,
    }


# --- walk-in ---------------------------------------------------------------------------


def test_the_walkin_form_starts_on_the_first_theme_with_her_school_chosen(
    alice_client, school_a, themes
):
    response = alice_client.get(WALKIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="school" value="{school_a.pk}"' in html
    assert html.count("autofocus") == 1
    first = themes["geldzaken"]
    assert f'value="{first.pk}" autocomplete="off" autofocus' in html
    assert "js/walkin.js" in html


def test_a_coordinator_of_two_schools_can_switch(alice, alice_client, school_a, school_b, themes):
    alice.schools.add(school_b)

    html = alice_client.get(WALKIN).content.decode()

    assert html.count('type="radio" class="btn-check" name="school"') == 2


def test_an_anonymous_question_is_saved_and_listed_under_a_fresh_form(
    alice_client, school_a, themes
):
    response = alice_client.post(
        WALKIN, walkin_data(school_a, themes["geldzaken"], themes["toeslagen"]), follow=True
    )

    contact = Contact.objects.get()
    assert contact.is_anonymous
    assert contact.school == school_a
    assert contact.themes.count() == 2
    assert response.redirect_chain == [(WALKIN, 302)]
    html = response.content.decode()
    assert "Het contact is opgeslagen." in html
    assert 'id="today-contacts"' in html
    assert reverse("servicepunt:contact-detail", args=[contact.pk]) in html


def test_a_walkin_without_a_theme_is_refused_in_dutch(alice_client, school_a, themes):
    response = alice_client.post(WALKIN, walkin_data(school_a))

    assert response.status_code == 200
    assert "Kies minstens één thema." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_known_family_can_be_chosen_by_its_code_alone(
    alice_client, school_a, family_a, parent_a, themes
):
    data = walkin_data(school_a, themes["wonen"], who="known", family_term="a001")

    response = alice_client.post(WALKIN, data)

    assert response.status_code == 302
    assert Contact.objects.get().family == family_a


def test_a_known_family_with_parent_and_child(alice_client, school_a, family_a, parent_a, themes):
    child = ChildFactory(family=family_a)
    data = walkin_data(
        school_a,
        themes["wonen"],
        who="known",
        family=family_a.pk,
        family_term=family_a.code,
        parent=parent_a.pk,
        child=child.pk,
        language="ar",
        interpreter="on",
        note="Vraag over huur.",
    )

    alice_client.post(WALKIN, data)

    contact = Contact.objects.get()
    assert (contact.family, contact.parent, contact.child) == (family_a, parent_a, child)
    assert (contact.language, contact.interpreter) == ("ar", True)


def test_a_family_of_another_school_cannot_be_chosen(alice_client, school_a, family_b, themes):
    data = walkin_data(
        school_a, themes["wonen"], who="known", family=family_b.pk, family_term=family_b.code
    )

    response = alice_client.post(WALKIN, data)

    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_a_parent_of_another_family_is_refused(alice_client, school_a, family_a, parent_a, themes):
    other = ParentFactory(family=Family.objects.create(school=school_a, code="A002"))
    data = walkin_data(school_a, themes["wonen"], who="known", family=family_a.pk, parent=other.pk)

    response = alice_client.post(WALKIN, data)

    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_a_new_family_is_created_inline(alice_client, school_a, themes):
    data = walkin_data(
        school_a, themes["taal"], who="new", new_family_code="N777", new_parent_first_name="Olena"
    )

    alice_client.post(WALKIN, data)

    contact = Contact.objects.get()
    assert contact.family.code == "N777"
    assert contact.parent.first_name == "Olena"


def test_a_new_family_is_created_with_its_child(alice_client, school_a, themes):
    data = walkin_data(
        school_a,
        themes["taal"],
        who="new",
        new_family_code="DS004",
        new_parent_first_name="Olena",
        new_child_first_name="Mila",
        new_child_group="g3",
    )

    alice_client.post(WALKIN, data)

    contact = Contact.objects.get()
    assert (contact.child.first_name, contact.child.group) == ("Mila", "g3")
    assert list(contact.family.children.all()) == [contact.child]


def test_a_childs_name_without_a_group_is_refused(alice_client, school_a, themes):
    data = walkin_data(
        school_a, themes["taal"], who="new", new_family_code="DS004", new_child_first_name="Mila"
    )

    response = alice_client.post(WALKIN, data)

    assert "Kies de groep van het kind." in response.content.decode()
    assert not Family.objects.exists()


def test_the_new_family_code_is_suggested_and_saving_is_offered_at_the_bottom(
    alice_client, school_a, themes
):
    from tests.familieschool.factories import FamilyFactory

    FamilyFactory(school=school_a, code="DS041")

    page = alice_client.get(WALKIN).content.decode()

    assert 'name="new_family_code" id="id_new_family_code" value="DS042"' in page
    start = page.index('id="walkin-form"')
    form = page[start : page.index("</form>", start)]
    last_field = form.rindex('name="follow_up_on"')
    assert 'type="submit"' in form[last_field:]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("new_parent_first_name", "x" * 101),
        ("new_child_group", "g9"),
        ("outcome", "unknown"),
        ("language", "xx"),
        ("who", "someone"),
    ],
)
def test_every_refused_walkin_field_says_why_next_to_it(
    alice_client, school_a, themes, field, value
):
    data = walkin_data(school_a, themes["taal"], who="new", new_family_code="N777")

    response = alice_client.post(WALKIN, {**data, field: value})

    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Contact.objects.exists()


def test_a_new_family_with_a_taken_code_is_refused(alice_client, school_a, family_a, themes):
    data = walkin_data(school_a, themes["taal"], who="new", new_family_code=family_a.code)

    response = alice_client.post(WALKIN, data)

    assert "Deze code bestaat al op deze school" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_walkin_at_another_school_is_refused(alice_client, school_b, themes):
    response = alice_client.post(WALKIN, walkin_data(school_b, themes["taal"]))

    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_a_time_in_the_future_is_refused(alice_client, school_a, themes):
    later = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = alice_client.post(WALKIN, walkin_data(school_a, themes["taal"], occurred_at=later))
    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_a_referred_outcome_leads_to_the_referral_form(alice_client, school_a, themes):
    response = alice_client.post(
        WALKIN, walkin_data(school_a, themes["geldzaken"], outcome="referred")
    )

    contact = Contact.objects.get()
    assert response.url == reverse("servicepunt:referral-create", args=[contact.pk])


def test_the_family_page_link_preselects_the_family(alice_client, family_a, themes):
    html = alice_client.get(WALKIN, {"family": family_a.pk}).content.decode()

    assert f'name="family" id="id_family" value="{family_a.pk}"' in html
    assert 'value="known" autocomplete="off" checked' in html


def test_the_type_ahead_finds_families_of_her_schools_only(
    alice_client, family_a, parent_a, family_b
):
    ParentFactory(family=family_b, first_name="Fatima")

    response = alice_client.post(reverse("servicepunt:family-search"), {"q": "fati"})

    results = response.json()["results"]
    assert [row["code"] for row in results] == [family_a.code]
    assert results[0]["parents"] == [{"id": parent_a.pk, "name": "Fatima El Amrani"}]


def test_the_type_ahead_does_not_answer_a_get(alice_client):
    assert alice_client.get(reverse("servicepunt:family-search"), {"q": "a"}).status_code == 405


# --- contacts and the family page --------------------------------------------------------


def test_the_contact_list_filters(alice_client, school_a, family_a, themes):
    old = ContactFactory(
        school=school_a,
        occurred_at=timezone.now() - timedelta(days=40),
        themes=[themes["wonen"]],
        channel="telefoon",
    )
    recent = ContactFactory(school=school_a, family=family_a, themes=[themes["werk"]])
    url = reverse("servicepunt:contact-list")

    def listed(**params):
        return list(alice_client.get(url, params).context["page"].object_list)

    assert listed() == [recent, old]
    assert listed(theme=themes["wonen"].pk) == [old]
    assert listed(channel="telefoon") == [old]
    assert listed(family=family_a.code.lower()) == [recent]
    assert listed(who="anonymous") == [old]
    since = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert listed(date_from=since) == [recent]
    assert listed(date_to=since) == [old]
    assert listed(outcome="referred") == []


def test_the_filter_form_keeps_the_choices_and_says_next_to_a_field_what_is_wrong(
    alice_client, school_a, family_a, themes
):
    contact = ContactFactory(school=school_a, family=family_a, themes=[themes["werk"]])
    url = reverse("servicepunt:contact-list")

    page = alice_client.get(url, {"theme": themes["werk"].pk}).content.decode()
    # The chosen theme stays chosen, the rows link to the family and the contact.
    assert f'<option value="{themes["werk"].pk}" selected>' in page
    assert f'href="{reverse("servicepunt:family-detail", args=[family_a.pk])}"' in page
    assert f'href="{reverse("servicepunt:contact-detail", args=[contact.pk])}"' in page
    assert '<label for="id_theme" class="form-label">Thema</label>' in page

    page = alice_client.get(url, {"date_from": "2026-02-31"}).content.decode()
    field = re.search(r'<input type="date" name="date_from"[^>]*>', page).group(0)
    assert 'value="2026-02-31"' in field
    assert "is-invalid" in field and 'aria-describedby="id_date_from_error"' in field
    assert re.search(r'id="id_date_from_error">\s*<strong>Voer een geldige datum in.', page)


def test_the_contact_list_filters_on_local_days_and_counts_a_contact_once(
    alice_client, school_a, themes
):
    day = timezone.localdate() - timedelta(days=3)

    def at(days, hour, minute):
        moment = datetime.combine(day + timedelta(days=days), time(hour, minute))
        return timezone.make_aware(moment)

    late = ContactFactory(
        school=school_a, occurred_at=at(0, 23, 45), themes=[themes["wonen"], themes["werk"]]
    )
    ContactFactory(school=school_a, occurred_at=at(1, 0, 15), themes=[themes["werk"]])
    ContactFactory(school=school_a, occurred_at=at(-1, 23, 55), themes=[themes["werk"]])
    url = reverse("servicepunt:contact-list")

    response = alice_client.get(
        url, {"date_from": day.isoformat(), "date_to": day.isoformat(), "theme": themes["werk"].pk}
    )

    assert list(response.context["page"].object_list) == [late]
    assert response.context["page"].paginator.count == 1


def test_the_family_filter_is_a_text_field_with_a_type_ahead(
    alice_client, school_a, family_a, parent_a, family_b
):
    page = alice_client.get(reverse("servicepunt:contact-list")).content.decode()
    assert '<select name="family"' not in page
    assert 'name="family"' in page

    url = reverse("servicepunt:family-codes")
    mine = alice_client.post(url, {"q": family_a.code[:3]}).json()["results"]
    by_name = alice_client.post(url, {"q": parent_a.first_name[:3]}).json()["results"]
    other = alice_client.post(url, {"q": family_b.code}).json()["results"]

    assert {"code": family_a.code, "school": school_a.name} in mine
    assert [r["code"] for r in by_name] == [family_a.code]
    assert other == []
    assert parent_a.first_name not in str(by_name)


def _pager_link(page: str, rel: str) -> str | None:
    """The href of the pager's "next" or "prev" link as rendered, unescaped."""
    import html
    import re

    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def _walk(client, url: str, rel: str = "next", start: str = ""):
    """Follow the rendered pager links from ``start``; every page's rows, queries and SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages, link = [], start
    while link is not None:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + link)
        assert response.status_code == 200
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        pages.append((list(response.context["page"].object_list), len(queries), sql, response))
        link = _pager_link(response.content.decode(), rel)
    return pages


def test_the_contact_list_pages_on_through_the_rendered_links(alice_client, school_a, themes):
    moment = timezone.now() - timedelta(days=3)
    # Ties on the moment too: the id decides, so no contact is shown twice or skipped.
    contacts = [
        ContactFactory(school=school_a, occurred_at=moment - timedelta(hours=i // 3))
        for i in range(60)
    ]
    newest_first = sorted(contacts, key=lambda c: (c.occurred_at, c.pk), reverse=True)
    url = reverse("servicepunt:contact-list")

    pages = _walk(alice_client, url)

    assert [len(rows) for rows, *_ in pages] == [25, 25, 10]
    assert [contact for rows, *_ in pages for contact in rows] == newest_first
    assert "Pagina 3 van 3" in pages[-1][3].content.decode()
    # Back from the last page by the "previous" links: the same pages in reverse.
    back = _walk(
        alice_client, url, rel="prev", start=_pager_link(pages[1][3].content.decode(), "next")
    )
    assert [rows for rows, *_ in back] == [rows for rows, *_ in reversed(pages)]


def test_a_page_deep_in_the_list_costs_what_the_first_costs(
    alice_client, school_a, themes, monkeypatch
):
    monkeypatch.setattr("servicepunt.views.PAGE_SIZE", 2)
    for i in range(21):
        ContactFactory(school=school_a, occurred_at=timezone.now() - timedelta(days=i))
    url = reverse("servicepunt:contact-list")

    pages = _walk(alice_client, url)

    assert len(pages) == 11
    # The first page needs no look-up of where it starts; every later page the same one more.
    counts = {queries for _rows, queries, _sql, _response in pages[1:]}
    assert counts == {pages[0][1] + 1}
    assert not any("OFFSET" in sql for _rows, _queries, sql, _response in pages)


def test_the_pager_keeps_the_filters(alice_client, school_a, themes, monkeypatch):
    monkeypatch.setattr("servicepunt.views.PAGE_SIZE", 2)
    wonen = [ContactFactory(school=school_a, themes=[themes["wonen"]]) for _ in range(5)]
    for _ in range(4):
        ContactFactory(school=school_a, themes=[themes["werk"]])
    url = reverse("servicepunt:contact-list")

    pages = _walk(alice_client, url, start=f"?theme={themes['wonen'].pk}")

    assert sorted(c.pk for rows, *_ in pages for c in rows) == sorted(c.pk for c in wonen)
    assert all(f"theme={themes['wonen'].pk}" in r.request["QUERY_STRING"] for *_, r in pages)


def test_the_contact_list_counts_up_to_a_cap(alice_client, school_a, themes, monkeypatch):
    from servicepunt.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 30)
    for _ in range(31):
        ContactFactory(school=school_a)
    url = reverse("servicepunt:contact-list")

    pages = _walk(alice_client, url)

    first = pages[0][3].content.decode()
    assert "Meer dan 30 contacten" in first
    assert "Pagina 1<" in first  # no number of pages: the count stopped at the cap
    # Paging does not stop at the cap: every contact can be reached.
    assert [len(rows) for rows, *_ in pages] == [25, 6]


def test_the_theme_filter_counts_its_contacts_of_her_schools_up_to_the_cap(
    alice_client, school_a, school_b, themes, monkeypatch
):
    from servicepunt.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 30)
    for _ in range(31):
        ContactFactory(school=school_a, themes=[themes["wonen"], themes["werk"]])
    for _ in range(4):
        ContactFactory(school=school_a, themes=[themes["geldzaken"]])
    for _ in range(3):
        ContactFactory(school=school_b, themes=[themes["geldzaken"]])
    url = reverse("servicepunt:contact-list")

    wonen = alice_client.get(url, {"theme": themes["wonen"].pk})
    geldzaken = alice_client.get(url, {"theme": themes["geldzaken"].pk})

    assert wonen.context["page"].paginator.capped
    assert "Meer dan 30 contacten" in wonen.content.decode()
    assert geldzaken.context["page"].paginator.count == 4
    assert "4 contacten" in geldzaken.content.decode()
    assert f'<option value="{themes["geldzaken"].pk}" selected>' in geldzaken.content.decode()


def test_the_theme_filter_counts_her_contacts_of_each_of_her_schools(
    alice, alice_client, school_a, school_b, board, themes
):
    alice.schools.add(school_b)
    elsewhere = SchoolFactory(board=board)
    wonen = themes["wonen"]
    family_b = FamilyFactory(school=school_b, code="B7")
    for school, n in ((school_a, 2), (school_b, 3), (elsewhere, 4)):
        for _ in range(n):
            ContactFactory(school=school, family=FamilyFactory(school=school), themes=[wonen])
        ContactFactory(school=school, themes=[wonen])
        ContactFactory(school=school, family=FamilyFactory(school=school), themes=[themes["werk"]])
    ContactFactory(school=school_b, family=family_b, themes=[wonen, themes["werk"]])
    url = reverse("servicepunt:contact-list")

    known = alice_client.get(url, {"theme": wonen.pk, "who": "known"})
    anonymous = alice_client.get(url, {"theme": wonen.pk, "who": "anonymous"})
    family = alice_client.get(url, {"theme": wonen.pk, "family": "b7"})

    assert known.context["page"].paginator.count == 6
    assert "6 contacten" in known.content.decode()
    assert len(known.context["page"]) == 6
    assert anonymous.context["page"].paginator.count == 2
    assert family.context["page"].paginator.count == 1
    assert [contact.family for contact in family.context["page"]] == [family_b]


def test_an_unknown_theme_is_an_error_next_to_the_field(alice_client, school_a, themes):
    ContactFactory(school=school_a, themes=[themes["wonen"]])

    response = alice_client.get(reverse("servicepunt:contact-list"), {"theme": "999999"})

    assert response.status_code == 200
    assert response.context["filter"].errors["theme"]
    assert "Selecteer een geldige keuze" in response.content.decode()


def test_a_page_number_alone_or_another_school_s_contact_gives_the_first_page(
    alice_client, school_a, school_b, themes
):
    mine = [ContactFactory(school=school_a) for _ in range(30)]
    theirs = ContactFactory(school=school_b)
    url = reverse("servicepunt:contact-list")
    first = sorted(mine, key=lambda c: (c.occurred_at, c.pk), reverse=True)[:25]

    for params in ({"page": 99}, {"na": theirs.pk, "page": 2}, {"voor": "x"}):
        response = alice_client.get(url, params)
        assert list(response.context["page"].object_list) == first, params
        assert response.context["page"].number == 1


def test_another_schools_contact_is_a_404(alice_client, school_b, themes):
    contact = ContactFactory(school=school_b)
    for name in ("contact-detail", "contact-update", "referral-create"):
        url = reverse(f"servicepunt:{name}", args=[contact.pk])
        assert alice_client.get(url).status_code == 404, name


def test_viewing_a_contact_is_audited(alice_client, school_a, family_a, themes):
    contact = ContactFactory(school=school_a, family=family_a, note="Schulden")

    response = alice_client.get(reverse("servicepunt:contact-detail", args=[contact.pk]))

    assert "Schulden" in response.content.decode()
    log = AuditLog.objects.get()
    assert (log.action, log.family) == (AuditAction.VIEW, family_a)


@pytest.mark.parametrize("name", ["contact-update", "referral-create"])
def test_opening_a_form_on_a_contact_is_audited(alice_client, school_a, family_a, themes, name):
    contact = ContactFactory(school=school_a, family=family_a, note="Schulden")

    response = alice_client.get(reverse(f"servicepunt:{name}", args=[contact.pk]))

    assert response.status_code == 200
    log = AuditLog.objects.get()
    assert (log.action, log.family, log.object_id) == (AuditAction.VIEW, family_a, contact.pk)


def test_a_contact_can_be_edited(alice_client, school_a, family_a, parent_a, themes):
    contact = ContactFactory(school=school_a, family=family_a)
    url = reverse("servicepunt:contact-update", args=[contact.pk])

    response = alice_client.post(
        url,
        {
            "occurred_at": now_local(),
            "channel": "telefoon",
            "themes": [themes["werk"].pk],
            "parent": parent_a.pk,
            "language": "",
            "note": "Teruggebeld",
            "outcome": "answered",
        },
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.channel, contact.parent, contact.note) == ("telefoon", parent_a, "Teruggebeld")
    assert AuditLog.objects.filter(action=AuditAction.CHANGE).count() == 1


def test_the_family_page_shows_the_timeline_and_is_audited(
    alice_client, school_a, family_a, parent_a, partner_p, themes
):
    contact = ContactFactory(school=school_a, family=family_a)
    ReferralFactory(contact=contact, partner=partner_p)

    response = alice_client.get(reverse("servicepunt:family-detail", args=[family_a.pk]))

    html = response.content.decode()
    assert 'data-kind="contact"' in html
    assert 'data-kind="referral"' in html
    assert "Fatima El Amrani" in html
    log = AuditLog.objects.get()
    assert (log.action, log.family, log.object_type) == (
        AuditAction.VIEW,
        family_a,
        "familieschool.family",
    )


def test_another_schools_family_page_is_a_404(alice_client, family_b):
    url = reverse("servicepunt:family-detail", args=[family_b.pk])
    assert alice_client.get(url).status_code == 404
    assert not AuditLog.objects.exists()


# --- referrals (coordinator) -----------------------------------------------------------


def referral_data(partner, **extra):
    return {
        "partner": partner.pk,
        "consent": "on",
        "consent_given_by": "moeder",
        "consent_method": "verbal",
        "consent_date": timezone.localdate().isoformat(),
        **extra,
    }


def test_the_referral_form_suggests_a_partner_from_the_themes(
    alice_client, school_a, partner_p, partner_o, themes
):
    themes["werk"].suggested_partners.add(partner_p)
    contact = ContactFactory(school=school_a, themes=[themes["werk"]])

    response = alice_client.get(reverse("servicepunt:referral-create", args=[contact.pk]))

    assert response.context["form"].initial["partner"] == partner_p.pk
    assert "Werkwinkel" in response.content.decode()


def test_no_consent_no_referral_and_the_form_says_why(alice_client, school_a, partner_p, themes):
    contact = ContactFactory(school=school_a)
    url = reverse("servicepunt:referral-create", args=[contact.pk])

    response = alice_client.post(url, referral_data(partner_p, consent=""))

    assert response.status_code == 200
    assert "Geen toestemming, geen doorverwijzing" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_referral_with_consent_is_registered(alice_client, school_a, family_a, partner_p, themes):
    contact = ContactFactory(school=school_a, family=family_a)
    url = reverse("servicepunt:referral-create", args=[contact.pk])

    response = alice_client.post(url, referral_data(partner_p, warm_handover="on"))

    referral = Referral.objects.get()
    assert response.url == reverse("servicepunt:referral-detail", args=[referral.pk])
    assert referral.warm_handover
    assert referral.status_changes.count() == 1


def test_the_open_referrals_mark_overdue_follow_ups(alice_client, school_a, partner_p, themes):
    ReferralFactory(
        contact=ContactFactory(school=school_a),
        partner=partner_p,
        follow_up_on=timezone.localdate() - timedelta(days=2),
    )

    html = alice_client.get(reverse("servicepunt:referral-list")).content.decode()

    assert "overdue table-warning" in html


def test_the_referral_list_keeps_its_order_across_pages(
    alice_client, school_a, partner_p, themes, monkeypatch
):
    """The page's ids are sorted on the referral table and its rows read afterwards: the rows
    must come back in the sorted order, page after page."""
    monkeypatch.setattr("servicepunt.views.PAGE_SIZE", 2)
    today = timezone.localdate()
    made = {
        days: ReferralFactory(
            contact=ContactFactory(school=school_a),
            partner=partner_p,
            follow_up_on=today + timedelta(days=days),
        )
        for days in (5, -3, 9, -1, 2)
    }
    url = reverse("servicepunt:referral-list")

    def listed(**params):
        return [
            referral
            for number in (1, 2, 3)
            for referral in alice_client.get(url, {"page": number, **params}).context["page"]
        ]

    # Overdue first (oldest follow-up first), then the others by follow-up date.
    assert listed() == [made[d] for d in (-3, -1, 2, 5, 9)]
    assert [r.is_overdue for r in listed()] == [True, True, False, False, False]
    newest_first = sorted(made.values(), key=lambda r: (r.created_at, r.pk), reverse=True)
    assert listed(status="all") == newest_first


def test_the_coordinator_updates_a_status(alice_client, school_a, partner_p, themes):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    url = reverse("servicepunt:referral-status", args=[referral.pk])

    alice_client.post(url, {"status": ReferralStatus.APPOINTMENT_PLANNED, "outcome_note": ""})

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPOINTMENT_PLANNED


def test_withdrawing_consent_makes_the_referral_a_404_for_the_partner(
    alice_client, pam_client, school_a, partner_p, themes
):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    detail = reverse("servicepunt:partner-referral-detail", args=[referral.pk])
    assert pam_client.get(detail).status_code == 200

    alice_client.post(reverse("servicepunt:referral-withdraw", args=[referral.pk]))

    assert pam_client.get(detail).status_code == 404
    listed = pam_client.get(reverse("servicepunt:partner-referral-list")).context["page"]
    assert list(listed.object_list) == []


def test_another_schools_referral_is_a_404_for_the_coordinator(
    alice_client, school_b, partner_p, themes
):
    referral = ReferralFactory(contact=ContactFactory(school=school_b), partner=partner_p)
    for name in ("referral-detail",):
        assert (
            alice_client.get(reverse(f"servicepunt:{name}", args=[referral.pk])).status_code == 404
        )
    for name in ("referral-status", "referral-withdraw"):
        url = reverse(f"servicepunt:{name}", args=[referral.pk])
        assert alice_client.post(url, {"status": "afgerond"}).status_code == 404


# --- referrals (partner) ---------------------------------------------------------------


def test_the_partner_sees_only_what_they_need(
    pam_client, school_a, school_b, family_a, parent_a, partner_p, themes
):
    parent_a.phone = "0612345678"
    parent_a.save()
    contact = ContactFactory(
        school=school_a, family=family_a, parent=parent_a, note="Geheime notitie"
    )
    ContactFactory(school=school_a, family=family_a, note="Andere vraag")
    shared = ReferralFactory(contact=contact, partner=partner_p, share_contact_details=True)
    ReferralFactory(contact=ContactFactory(school=school_b, family=None), partner=partner_p)

    html = pam_client.get(reverse("servicepunt:partner-referral-list")).content.decode()
    assert "Fatima" in html
    assert "0612345678" in html
    assert "El Amrani" not in html
    assert "Geheime notitie" not in html
    assert "OBO Spoorzicht" in html and "De Schakel" in html

    detail = pam_client.get(reverse("servicepunt:partner-referral-detail", args=[shared.pk]))
    page = detail.content.decode()
    assert "Geheime notitie" not in page
    assert "Andere vraag" not in page
    assert family_a.code not in page


def test_without_consent_to_share_the_partner_sees_initials_only(
    pam_client, school_a, family_a, parent_a, partner_p, themes
):
    parent_a.phone = "0612345678"
    parent_a.save()
    contact = ContactFactory(school=school_a, family=family_a, parent=parent_a)
    ReferralFactory(contact=contact, partner=partner_p, share_contact_details=False)

    html = pam_client.get(reverse("servicepunt:partner-referral-list")).content.decode()

    assert "F.E." in html
    assert "Fatima" not in html
    assert "0612345678" not in html


def test_the_partners_list_links_each_referral_and_names_its_status_in_dutch(
    pam_client, school_a, partner_p, themes
):
    planned = ReferralFactory(
        contact=ContactFactory(school=school_a),
        partner=partner_p,
        status=ReferralStatus.APPOINTMENT_PLANNED,
    )
    registered = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)

    html = pam_client.get(reverse("servicepunt:partner-referral-list")).content.decode()

    rows = {
        int(pk): status
        for pk, status in re.findall(
            r'<a href="/servicepunt/partner/(\d+)/">.*?</td>\s*'
            r"(?:<td>.*?</td>\s*){4}<td>(.*?)</td>",
            html,
            re.S,
        )
    }
    assert rows == {planned.pk: "Afspraak gepland", registered.pk: "Aangemeld"}
    for referral in (planned, registered):
        assert reverse("servicepunt:partner-referral-detail", args=[referral.pk]) in html


def test_another_organisations_referral_is_a_404(otto_client, school_a, partner_p, themes):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    url = reverse("servicepunt:partner-referral-detail", args=[referral.pk])
    assert otto_client.get(url).status_code == 404
    update = reverse("servicepunt:partner-referral-update", args=[referral.pk])
    assert otto_client.post(update, {"status": "afgerond"}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REGISTERED


def test_the_partner_updates_status_and_outcome(pam, pam_client, school_a, partner_p, themes):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    url = reverse("servicepunt:partner-referral-update", args=[referral.pk])

    response = pam_client.post(
        url, {"status": ReferralStatus.APPOINTMENT_PLANNED, "outcome_note": "Afspraak 3 juni"}
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPOINTMENT_PLANNED
    assert referral.outcome_note == "Afspraak 3 juni"
    assert referral.status_changes.last().changed_by == pam


def test_the_update_url_does_not_show_the_referral_unaudited_on_a_get(
    pam_client, school_a, partner_p, themes
):
    referral = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    url = reverse("servicepunt:partner-referral-update", args=[referral.pk])

    response = pam_client.get(url)

    assert response.status_code == 405
    assert not AuditLog.objects.exists()


def test_the_partner_cannot_skip_the_lifecycle(pam_client, school_a, partner_p, themes):
    referral = ReferralFactory(
        contact=ContactFactory(school=school_a), partner=partner_p, status=ReferralStatus.COMPLETED
    )
    url = reverse("servicepunt:partner-referral-update", args=[referral.pk])

    response = pam_client.post(url, {"status": ReferralStatus.REGISTERED})

    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED


# --- the coordinator hears of partners' updates (issue 11) -----------------------------------


def test_the_coordinator_sees_what_partners_changed_until_she_marks_it_seen(
    alice_client, pam_client, school_a, school_b, partner_p, family_a, themes
):
    referral = ReferralFactory(
        contact=ContactFactory(school=school_a, family=family_a), partner=partner_p
    )
    elsewhere = ReferralFactory(contact=ContactFactory(school=school_b), partner=partner_p)
    for done in (referral, elsewhere):
        url = reverse("servicepunt:partner-referral-update", args=[done.pk])
        pam_client.post(url, {"status": ReferralStatus.COMPLETED, "outcome_note": ""})
    mine = ReferralFactory(contact=ContactFactory(school=school_a), partner=partner_p)
    alice_client.post(
        reverse("servicepunt:referral-status", args=[mine.pk]),
        {"status": ReferralStatus.IN_PROGRESS, "outcome_note": ""},
    )
    listing = reverse("servicepunt:referral-list")

    page = alice_client.get(listing)
    updates = page.context["updates"]
    panel = page.content.decode().split('id="partner-updates"')[1].split("</section>")[0]
    seen = alice_client.post(
        reverse("servicepunt:partner-updates-seen"), {"until": updates[0].changed_at.isoformat()}
    )
    after = alice_client.get(listing)

    assert [change.referral for change in updates] == [referral]
    assert reverse("servicepunt:referral-detail", args=[referral.pk]) in panel
    assert "Afgerond" in panel and family_a.code in panel
    assert referral not in page.context["page"].object_list  # completed: not an open referral
    assert seen.status_code == 302
    assert after.context["updates"] == []


def test_a_page_of_ids_leaves_out_a_row_removed_in_between():
    """The referral list reads its page's ids, then their rows: a row gone in between (a family
    erased a moment ago) is left out instead of failing the page."""
    page = Paginator([3, 1, 2], 25).get_page(1)

    rows_of_page(page, lambda ids: {pk: f"row {pk}" for pk in ids if pk != 1})

    assert list(page) == ["row 3", "row 2"]
