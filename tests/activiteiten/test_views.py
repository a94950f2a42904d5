import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activiteiten.constants import EnrolmentStatus
from activiteiten.forms import ActivityForm
from activiteiten.models import ActiveParentRole, Activity, Attendance, Enrolment, Session
from familieschool.models import Family, School
from tests.activiteiten.factories import (
    ActiveParentRoleFactory,
    ActivityFactory,
    AttendanceFactory,
    ChildrenProgrammeFactory,
    EnrolmentFactory,
    SessionFactory,
)
from tests.familieschool.factories import ChildFactory, FamilyFactory, ParentFactory

TUESDAY = datetime.date(2024, 10, 8)


def _attendance_url(activity, day=TUESDAY):
    return reverse("activiteiten:attendance", kwargs={"pk": activity.pk, "day": day.isoformat()})


def _no_newcomers(**extra):
    return {
        "new-TOTAL_FORMS": "1",
        "new-INITIAL_FORMS": "0",
        "new-MIN_NUM_FORMS": "0",
        "new-MAX_NUM_FORMS": "20",
        "new-0-first_name": "",
        "new-0-last_name": "",
        "new-0-code": "",
        "new-0-preferred_language": "nl",
        **extra,
    }


# --- the tablet: a 20-parent coffee morning ------------------------------------------------


def _coffee_morning(school, scale: int):
    """An activity with 20 regulars, plus ``scale`` times the school's history around it."""
    activity = ActivityFactory(school=school)
    regulars = [ParentFactory(family=FamilyFactory(school=school)) for _ in range(20)]
    for week in range(1, scale + 1):
        session = SessionFactory(activity=activity, date=TUESDAY - datetime.timedelta(weeks=week))
        Attendance.objects.bulk_create(
            [Attendance(session=session, parent=parent) for parent in regulars[2:]]
        )
    for _ in range(20 * scale):
        ParentFactory(family=FamilyFactory(school=school))
    programme = ChildrenProgrammeFactory(school=school, capacity=None)
    for _ in range(scale):
        EnrolmentFactory(activity=programme)
    return activity, regulars


def _tablet_round(client, school, scale):
    activity, regulars = _coffee_morning(school, scale)
    url = _attendance_url(activity)
    with CaptureQueriesContext(connection) as get_queries:
        page = client.get(url)
    first_timers = [regulars[0].pk, regulars[1].pk]
    with CaptureQueriesContext(connection) as post_queries:
        saved = client.post(
            url,
            _no_newcomers(
                parent=[p.pk for p in regulars],
                first_time=first_timers,
                anonymous_count="3",
                topic="",
                partner_present="",
            ),
        )
    return activity, page, saved, len(get_queries), len(post_queries)


def test_a_twenty_parent_coffee_morning_is_one_get_and_one_post(alice_client, school_a):
    activity, page, saved, _get, _post = _tablet_round(alice_client, school_a, scale=1)

    assert page.status_code == 200
    regulars_shown = page.context["sheet"].regulars
    assert len(regulars_shown) == 18
    assert all(not row.first_time for row in regulars_shown)
    assert saved.status_code == 302
    session = Session.objects.get(activity=activity, date=TUESDAY)
    assert session.attendances.count() == 20
    assert session.attendances.filter(first_time=True).count() == 2
    assert session.anonymous_count == 3


def test_the_tablet_round_runs_constant_queries_as_the_school_grows(
    alice_client, school_a, school_b
):
    _, _, _, get_small, post_small = _tablet_round(alice_client, school_a, scale=1)
    from tests.familieschool.factories import UserFactory

    carol = UserFactory(username="carol", schools=[school_b])
    alice_client.force_login(carol)
    _, _, saved, get_large, post_large = _tablet_round(alice_client, school_b, scale=10)

    assert saved.status_code == 302
    assert (get_large, post_large) == (get_small, post_small)
    assert get_small <= 15
    assert post_small <= 20


def _search_url(activity, day=TUESDAY):
    return reverse(
        "activiteiten:attendance-search", kwargs={"pk": activity.pk, "day": day.isoformat()}
    )


def test_the_page_shows_the_regulars_and_leaves_the_other_parents_to_the_search(
    alice_client, school_a
):
    # Until issue 10 every parent of the school was a hidden card on the page; now only the
    # regulars are, and the search box asks the server for the others.
    activity, regulars = _coffee_morning(school_a, scale=1)
    other = ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynep")

    page = alice_client.get(_attendance_url(activity))
    html = page.content.decode()

    assert f'id="parent-{regulars[5].pk}"' in html
    assert f'id="parent-{other.pk}"' not in html and "Zeynep" not in html
    assert f'data-search-url="{_search_url(activity)}"' in html


def test_parents_who_never_came_are_marked_first_time_by_default(alice_client, school_a):
    activity = ActivityFactory(school=school_a)
    newcomer = ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynep")

    found = alice_client.post(_search_url(activity), {"q": "zeyn"})

    assert found.status_code == 200
    assert f'name="first_time" value="{newcomer.pk}" id="first-{newcomer.pk}" checked' in (
        found.content.decode()
    )


def test_the_search_answers_the_pages_cards_for_at_most_twenty_parents(alice_client, school_a):
    activity = ActivityFactory(school=school_a)
    parents = [
        ParentFactory(family=FamilyFactory(school=school_a), first_name=f"Mira{n:02d}")
        for n in range(22)
    ]

    html = alice_client.post(_search_url(activity), {"q": "Mira"}).content.decode()

    assert html.count('class="person-card"') == 20
    assert f'<input type="checkbox" class="btn-check" name="parent" value="{parents[0].pk}"' in html
    assert f'value="{parents[21].pk}"' not in html


def test_the_search_never_shows_anonymised_families(alice_client, school_a):
    activity = ActivityFactory(school=school_a)
    gone = FamilyFactory(school=school_a, code="GONE1", anonymised_at=timezone.now())
    ParentFactory(family=gone, first_name="Saida")

    html = alice_client.post(_search_url(activity), {"q": "saida"}).content.decode()

    assert "person-card" not in html and "Saida" not in html


def test_another_schools_search_is_not_found(bob_client, school_a, parent_a):
    activity = ActivityFactory(school=school_a)

    response = bob_client.post(_search_url(activity), {"q": "fatima"})

    assert response.status_code == 404
    assert "Fatima" not in response.content.decode()


def test_the_search_takes_its_term_by_post_only(alice_client, school_a, parent_a):
    # A name in a URL ends up in logs.
    activity = ActivityFactory(school=school_a)

    assert alice_client.get(_search_url(activity), {"q": "fatima"}).status_code == 405


def test_the_search_runs_constant_queries_as_the_school_grows(alice_client, school_a, school_b):
    from tests.familieschool.factories import UserFactory

    counts = []
    for school, scale in ((school_a, 1), (school_b, 10)):
        alice_client.force_login(UserFactory(schools=[school]))
        activity, _regulars = _coffee_morning(school, scale)
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.post(_search_url(activity), {"q": "Oudervn"})
        assert response.content.decode().count('class="person-card"') == 20
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 8


# --- the search without JavaScript: the search box is part of the attendance form --------


def _search_without_javascript(client, activity, term, **fields):
    """The attendance form sent with its "Search" button, as a browser without script does."""
    data = _no_newcomers(**{"anonymous_count": "0", "topic": "", "partner_present": "", **fields})
    return client.post(_attendance_url(activity), {**data, "q": term, "search": "1"})


def _cards(html, css_class="person-card"):
    """The parent ids of the cards with ``css_class``, and whether each is ticked."""
    return {
        int(value): checked == " checked"
        for value, checked in re.findall(
            rf'<li class="{css_class}[^"]*">\s*<input type="checkbox" class="btn-check" '
            r'name="parent" value="(\d+)"[^>]*?( checked)?>',
            html,
        )
    }


def test_without_javascript_the_search_shows_the_matches_and_keeps_what_was_entered(
    alice_client, school_a
):
    activity, regulars = _coffee_morning(school_a, scale=1)
    zeynep = ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynep")
    ParentFactory(family=FamilyFactory(school=school_a), first_name="Amal")

    response = _search_without_javascript(
        alice_client,
        activity,
        "zeyn",
        parent=[regulars[3].pk],
        first_time=[regulars[3].pk],
        anonymous_count="4",
        topic="Stadspas",
    )

    html = response.content.decode()
    assert response.status_code == 200
    # Searching saves nothing; everything entered comes back as it was.
    assert not Session.objects.filter(date=TUESDAY).exists()
    assert _cards(html)[regulars[3].pk] is True
    assert f'name="first_time" value="{regulars[3].pk}" id="first-{regulars[3].pk}" checked' in html
    assert re.search(r'<input type="number" name="anonymous_count"[^>]*value="4"', html)
    assert 'value="Stadspas"' in html
    # The match is a card to tick, marked as found, "first time" ticked as it never came.
    assert _cards(html, "person-card search-match") == {zeynep.pk: False}
    assert f'name="first_time" value="{zeynep.pk}" id="first-{zeynep.pk}" checked' in html
    assert "Amal" not in html
    assert 'id="no-match" hidden' in html


def test_a_parent_found_without_javascript_is_registered_by_saving(alice_client, school_a):
    activity = ActivityFactory(school=school_a)
    zeynep = ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynep")
    html = _search_without_javascript(alice_client, activity, "zeyn").content.decode()
    assert zeynep.pk in _cards(html)

    # Saving sends the found card's boxes like any other (here: ticked, and "first time").
    saved = alice_client.post(
        _attendance_url(activity),
        _no_newcomers(parent=[zeynep.pk], first_time=[zeynep.pk], anonymous_count="0", q="zeyn"),
    )

    assert saved.status_code == 302
    attendance = Attendance.objects.get(session__activity=activity, session__date=TUESDAY)
    assert (attendance.parent, attendance.first_time) == (zeynep, True)


def test_without_javascript_the_search_never_finds_another_schools_parent(
    alice_client, school_a, school_b
):
    activity = ActivityFactory(school=school_a)
    own = ParentFactory(family=FamilyFactory(school=school_a), first_name="Yasmina")
    elsewhere = ParentFactory(
        family=FamilyFactory(school=school_b, code="B777"), first_name="Yasmina"
    )

    html = _search_without_javascript(alice_client, activity, "yasmina").content.decode()

    assert _cards(html) == {own.pk: False}
    assert f'value="{elsewhere.pk}"' not in html and "B777" not in html


def test_another_school_cannot_search_a_schools_attendance_page(bob_client, school_a, parent_a):
    activity = ActivityFactory(school=school_a)

    response = _search_without_javascript(bob_client, activity, "fatima")

    assert response.status_code == 404
    assert "Fatima" not in response.content.decode()


def test_without_javascript_the_search_shows_at_most_twenty_and_no_anonymised_family(
    alice_client, school_a
):
    activity = ActivityFactory(school=school_a)
    parents = [
        ParentFactory(family=FamilyFactory(school=school_a), first_name=f"Mira{n:02d}")
        for n in range(22)
    ]
    gone = FamilyFactory(school=school_a, code="GONE1", anonymised_at=timezone.now())
    ParentFactory(family=gone, first_name="Mira00")

    html = _search_without_javascript(alice_client, activity, "mira").content.decode()

    assert sorted(_cards(html)) == [parent.pk for parent in parents[:20]]
    assert "GONE1" not in html


def test_the_search_term_is_in_no_url_of_the_response(alice_client, school_a):
    # A name in a URL ends up in logs and in the browser's history: the term goes by POST,
    # to the page's own address, and the answer is the page itself (no redirect).
    activity = ActivityFactory(school=school_a)
    ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynep", last_name="Kaya")

    response = _search_without_javascript(alice_client, activity, "zeynep kaya")

    html = response.content.decode()
    assert response.status_code == 200 and "Location" not in response.headers
    assert response.request["PATH_INFO"] == _attendance_url(activity)
    assert response.request["QUERY_STRING"] == ""
    assert 'value="zeynep kaya"' in html
    urls = re.findall(r'(?:href|src|action|formaction|data-[\w-]*url)="([^"]*)"', html)
    assert urls and not [url for url in urls if "zeynep" in url.lower()]
    # The search box and button belong to the one form, sent by POST to this same address.
    form = re.search(
        r'<form method="post" id="attendance-form" novalidate>(.*?)</form>',
        html,
        re.S,
    )
    assert 'name="q"' in form[1] and 'name="search"' in form[1]


def test_without_javascript_a_search_that_finds_nobody_offers_a_new_family(
    alice_client, school_a, parent_a
):
    activity = ActivityFactory(school=school_a)

    nobody = _search_without_javascript(alice_client, activity, "nobody like this")
    short = _search_without_javascript(alice_client, activity, "f")

    assert 'id="no-match">Niemand gevonden.' in nobody.content.decode()
    short_html = short.content.decode()
    assert 'id="no-match" hidden' in short_html
    assert "Typ minstens 2 letters van een naam of gezinscode." in short_html
    assert "Fatima" not in short_html


def test_without_javascript_a_regular_found_is_marked_on_its_own_card(alice_client, school_a):
    activity, regulars = _coffee_morning(school_a, scale=1)
    regular = regulars[4]

    html = _search_without_javascript(alice_client, activity, regular.first_name).content.decode()

    assert _cards(html, "person-card search-match") == {regular.pk: False}
    assert html.count(f'id="parent-{regular.pk}"') == 1


def test_the_search_without_javascript_runs_constant_queries_as_the_school_grows(
    alice_client, school_a, school_b
):
    from tests.familieschool.factories import UserFactory

    counts = []
    for school, scale in ((school_a, 1), (school_b, 10)):
        alice_client.force_login(UserFactory(schools=[school]))
        activity, regulars = _coffee_morning(school, scale)
        with CaptureQueriesContext(connection) as page_queries:
            alice_client.get(_attendance_url(activity))
        with CaptureQueriesContext(connection) as queries:
            response = _search_without_javascript(
                alice_client, activity, "Oudervn", parent=[regulars[0].pk]
            )
        assert len(_cards(response.content.decode(), "person-card search-match")) == 20
        counts.append((len(page_queries), len(queries)))

    assert counts[0] == counts[1]
    # The search adds its own two queries (the matches, and who came before) to the page's.
    assert counts[0][1] <= counts[0][0] + 4


def test_a_new_family_is_added_inline_and_counted_as_first_time(alice_client, school_a):
    activity = ActivityFactory(school=school_a)

    response = alice_client.post(
        _attendance_url(activity),
        _no_newcomers(
            **{
                "new-0-first_name": "Hodan",
                "new-0-last_name": "Abdi",
                "new-0-code": "",
                "new-0-preferred_language": "so",
            },
            anonymous_count="0",
        ),
    )

    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.first_time is True
    assert attendance.parent.family.school == school_a
    assert attendance.parent.preferred_language == "so"


def test_a_bad_headcount_shows_a_dutch_error_and_saves_nothing(alice_client, school_a, parent_a):
    activity = ActivityFactory(school=school_a)

    response = alice_client.post(
        _attendance_url(activity), _no_newcomers(parent=[parent_a.pk], anonymous_count="-2")
    )

    assert response.status_code == 200
    assert "Vul een getal van 0 tot en met 999 in." in response.content.decode()
    assert not Session.objects.exists()
    assert f'value="{parent_a.pk}" id="parent-{parent_a.pk}" autocomplete="off" checked' in (
        response.content.decode()
    )


def test_a_duplicate_family_code_shows_next_to_the_field(alice_client, school_a, family_a):
    activity = ActivityFactory(school=school_a)

    response = alice_client.post(
        _attendance_url(activity),
        _no_newcomers(
            **{"new-0-first_name": "Sara", "new-0-code": family_a.code}, anonymous_count="1"
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Er bestaat al een gezin met deze code op deze school." in html
    # The field itself is marked, without crispy rendering it.
    code_input = re.search(r'<input[^>]*name="new-0-code"[^>]*>', html)[0]
    assert "is-invalid" in code_input and f'value="{family_a.code}"' in code_input
    first_name = re.search(r'<input[^>]*name="new-0-first_name"[^>]*>', html)[0]
    assert "is-invalid" not in first_name
    assert Family.objects.count() == 1
    assert not Session.objects.exists()


def test_children_of_a_programme_are_ticked_from_the_enrolled(alice_client, school_a):
    programme = ChildrenProgrammeFactory(school=school_a)
    enrolled = EnrolmentFactory(activity=programme).child
    EnrolmentFactory(activity=programme, status=EnrolmentStatus.WAITING)
    day = datetime.date(2024, 10, 9)

    page = alice_client.get(_attendance_url(programme, day))
    # The page of a children's programme has no new-family rows, so none are posted.
    saved = alice_client.post(
        _attendance_url(programme, day), {"child": [enrolled.pk], "anonymous_count": "0"}
    )

    assert [row.id for row in page.context["sheet"].children] == [enrolled.pk]
    assert saved.status_code == 302
    assert Attendance.objects.get().child == enrolled


def test_saving_an_old_session_keeps_the_attendance_of_anonymised_families(alice_client, school_a):
    from activiteiten.constants import TargetGroup

    activity = ActivityFactory(school=school_a, target_group=TargetGroup.BOTH)
    session = SessionFactory(activity=activity, date=TUESDAY)
    known = ParentFactory(family=FamilyFactory(school=school_a))
    gone = FamilyFactory(school=school_a, anonymised_at=timezone.now())
    AttendanceFactory(session=session, parent=known)
    AttendanceFactory(session=session, parent=ParentFactory(family=gone, first_name=""))
    AttendanceFactory(session=session, parent=None, child=ChildFactory(family=gone, first_name=""))

    page = alice_client.get(_attendance_url(activity))
    sheet = page.context["sheet"]
    shown = _no_newcomers(
        parent=[row.id for row in sheet.regulars + sheet.others if row.checked],
        child=[row.id for row in sheet.children if row.checked],
        anonymous_count="0",
    )
    saved = alice_client.post(_attendance_url(activity), shown)

    assert saved.status_code == 302
    assert session.attendances.count() == 3


# --- scope ---------------------------------------------------------------------------------


@pytest.fixture
def alices_things(school_a, parent_a):
    activity = ActivityFactory(school=school_a)
    return {
        "activity": activity,
        "session": SessionFactory(activity=activity),
        "enrolment": EnrolmentFactory(activity__school=school_a),
        "role": ActiveParentRoleFactory(parent=parent_a),
    }


@pytest.mark.parametrize(
    "name,key,method",
    [
        ("activiteiten:activity-detail", "activity", "get"),
        ("activiteiten:activity-update", "activity", "get"),
        ("activiteiten:session-create", "activity", "get"),
        ("activiteiten:enrolment-list", "activity", "get"),
        ("activiteiten:session-update", "session", "get"),
        ("activiteiten:enrolment-update", "enrolment", "get"),
        ("activiteiten:enrolment-withdraw", "enrolment", "post"),
        ("activiteiten:role-delete", "role", "post"),
    ],
)
def test_another_schools_records_are_not_found(bob_client, alices_things, name, key, method):
    url = reverse(name, kwargs={"pk": alices_things[key].pk})

    response = getattr(bob_client, method)(url)

    assert response.status_code == 404
    assert Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).count() == 1
    assert ActiveParentRole.objects.count() == 1


def test_another_schools_attendance_page_is_not_found(bob_client, alices_things, parent_a):
    url = _attendance_url(alices_things["activity"])

    assert bob_client.get(url).status_code == 404
    assert bob_client.post(url, _no_newcomers(parent=[parent_a.pk])).status_code == 404
    assert not Attendance.objects.exists()


def test_another_schools_parent_roles_are_not_found(bob_client, school_a):
    url = reverse("activiteiten:role-list", kwargs={"school": school_a.slug})

    assert bob_client.get(url).status_code == 404


def test_the_activity_list_shows_only_own_schools(alice_client, school_a, school_b):
    ActivityFactory(school=school_a, title="Koffie bij A")
    ActivityFactory(school=school_b, title="Koffie bij B")

    content = alice_client.get(reverse("activiteiten:activity-list")).content.decode()

    assert "Koffie bij A" in content
    assert "Koffie bij B" not in content


def test_the_activity_list_links_each_activity_and_names_its_schedule_in_dutch(
    alice_client, school_a
):
    weekly = ActivityFactory(school=school_a, title="Koffie op dinsdag")
    biweekly = ActivityFactory(
        school=school_a, title="Vadergroep", weekday=3, recurrence="biweekly"
    )

    content = alice_client.get(reverse("activiteiten:activity-list")).content.decode()

    rows = dict(
        re.findall(
            r'<a href="(/activiteiten/\d+/)">.*?<td>([^<>]*\d\d:\d\d–\d\d:\d\d)\s*</td>',
            content,
            re.S,
        )
    )
    assert rows == {
        reverse("activiteiten:activity-detail", args=[weekly.pk]): "Elke week, dinsdag 08:45–10:00",
        reverse(
            "activiteiten:activity-detail", args=[biweekly.pk]
        ): "Om de week, donderdag 08:45–10:00",
    }


# --- activities ----------------------------------------------------------------------------


def _activity_data(school, **extra):
    return {
        "school": school.pk,
        "type": ActivityFactory.build().type.pk,
        "title": "Vadergroep",
        "target_group": "parents",
        "organiser": "school",
        "weekday": "4",
        "start_time": "19:00",
        "end_time": "21:00",
        "recurrence": "weekly",
        "valid_from": "2024-09-06",
        "public": "on",
        # The funding sources' formset as the page renders it: one empty row.
        "financiers-TOTAL_FORMS": "1",
        "financiers-INITIAL_FORMS": "0",
        "financiers-0-source": "",
        "financiers-0-share_pct": "",
        "financiers-0-amount": "",
        **extra,
    }


def test_a_coordinator_adds_an_activity_at_her_school(alice_client, school_a):
    response = alice_client.post(reverse("activiteiten:activity-create"), _activity_data(school_a))

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.school, activity.title, activity.public) == (school_a, "Vadergroep", True)


def test_an_activity_left_without_a_target_group_follows_its_type(alice_client, school_a):
    from activiteiten.models import ActivityType

    sport = ActivityType.objects.get(code="sport_cultuur")
    form = alice_client.get(reverse("activiteiten:activity-create")).content.decode()
    data = _activity_data(school_a, type=sport.pk, target_group="")

    alice_client.post(reverse("activiteiten:activity-create"), data)

    assert "Zoals het soort activiteit" in form
    activity = Activity.objects.get()
    assert (activity.target_group, activity.audience, activity.for_children) == (
        "",
        "children",
        True,
    )
    assert activity.get_audience_display() == "Kinderen"
    sport.target_group = "both"
    sport.save()
    activity.refresh_from_db()
    assert (activity.audience, activity.for_parents) == ("both", True)


def test_she_cannot_add_an_activity_at_another_school(alice_client, school_b):
    response = alice_client.post(reverse("activiteiten:activity-create"), _activity_data(school_b))

    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_a_partner_activity_without_partner_gets_a_dutch_error(alice_client, school_a):
    response = alice_client.post(
        reverse("activiteiten:activity-create"), _activity_data(school_a, organiser="partner")
    )

    assert "Kies de partner die deze activiteit organiseert." in response.content.decode()
    assert not Activity.objects.exists()


def test_checking_the_activity_form_leaves_the_activity_as_stored(school_a):
    # The model's own checks still run in the form, on a copy: only the service changes it.
    activity = ActivityFactory(school=school_a, title="Koffieochtend")
    form = ActivityForm(
        _activity_data(school_a, title="Vadergroep", end_time="18:00"),
        instance=activity,
        schools=School.objects.filter(pk=school_a.pk),
    )

    assert not form.is_valid()
    assert "end_time" in form.errors
    assert activity.title == "Koffieochtend"


def test_a_coordinator_changes_the_capacity(alice_client, school_a):
    programme = ChildrenProgrammeFactory(school=school_a, capacity=1)
    EnrolmentFactory(activity=programme)
    waiting = EnrolmentFactory(activity=programme, status=EnrolmentStatus.WAITING)
    data = _activity_data(
        school_a,
        type=programme.type.pk,
        title=programme.title,
        target_group="children",
        capacity="2",
        signup_required="on",
    )

    response = alice_client.post(
        reverse("activiteiten:activity-update", kwargs={"pk": programme.pk}), data
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(school, scale):
    for _ in range(scale):
        activity = ActivityFactory(school=school)
        session = SessionFactory(activity=activity, date=TUESDAY)
        AttendanceFactory(session=session)
        EnrolmentFactory(activity__school=school)
        ActiveParentRoleFactory(parent__family__school=school)


@pytest.mark.parametrize(
    "url",
    [
        lambda a, s: reverse("activiteiten:activity-list"),
        lambda a, s: (
            reverse("activiteiten:activity-detail", kwargs={"pk": a.pk}) + "?jaar=2024/2025"
        ),
        lambda a, s: reverse("activiteiten:enrolment-list", kwargs={"pk": a.pk}) + "?groep=g5",
        lambda a, s: (
            reverse("activiteiten:role-list", kwargs={"school": s.slug}) + "?jaar=2024/2025"
        ),
        lambda a, s: reverse("activiteiten:public-school", kwargs={"slug": s.slug}),
        lambda a, s: reverse("activiteiten:public-poster", kwargs={"slug": s.slug}),
    ],
)
def test_pages_run_a_constant_number_of_queries(alice_client, school_a, url):
    activity = ChildrenProgrammeFactory(school=school_a, capacity=5, target_group="both")
    _grow(school_a, 1)
    for week in range(2):
        session = SessionFactory(activity=activity, date=TUESDAY + datetime.timedelta(weeks=week))
        AttendanceFactory(session=session)
        EnrolmentFactory(activity=activity)
    small = _count_queries(alice_client, url(activity, school_a))

    _grow(school_a, 10)
    for week in range(2, 22):
        session = SessionFactory(activity=activity, date=TUESDAY + datetime.timedelta(weeks=week))
        AttendanceFactory(session=session)
        EnrolmentFactory(activity=activity)

    assert _count_queries(alice_client, url(activity, school_a)) == small


# --- enrolment -----------------------------------------------------------------------------


def test_the_coordinator_enrols_a_child_on_a_parents_behalf(alice_client, school_a):
    programme = ChildrenProgrammeFactory(school=school_a, capacity=1)
    EnrolmentFactory(activity=programme)
    child = ChildFactory(family=FamilyFactory(school=school_a), group="g5")
    url = reverse("activiteiten:enrolment-list", kwargs={"pk": programme.pk})

    listed = alice_client.get(url + "?groep=g5")
    response = alice_client.post(url, {"child": child.pk, "free_of_charge": "on"})

    assert child in listed.context["candidates_children"]
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(child=child)
    assert enrolment.status == EnrolmentStatus.WAITING
    assert enrolment.free_of_charge is True
    assert enrolment.enrolled_by.username == "alice"


def test_a_name_is_searched_by_post_and_never_lands_in_a_url(alice_client, school_a, parent_a):
    activity = ActivityFactory(school=school_a, signup_required=True)
    url = reverse("activiteiten:enrolment-list", kwargs={"pk": activity.pk})

    found = alice_client.post(url, {"zoek": "Fati"})
    in_query = alice_client.get(url + "?zoek=Fati")

    assert found.status_code == 200
    assert found.context["candidates_parents"] == [parent_a]
    assert not Enrolment.objects.exists()
    assert in_query.context["candidates_parents"] == []
    assert 'method="get" class="d-flex gap-2 mb-2" role="search"' not in found.content.decode()


def test_she_cannot_enrol_a_child_of_another_school(alice_client, school_a, school_b):
    programme = ChildrenProgrammeFactory(school=school_a)
    child = ChildFactory(family=FamilyFactory(school=school_b), group="g5")
    url = reverse("activiteiten:enrolment-list", kwargs={"pk": programme.pk})

    response = alice_client.post(url, {"child": child.pk})

    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_withdrawing_moves_the_next_child_up(alice_client, school_a):
    programme = ChildrenProgrammeFactory(school=school_a, capacity=1)
    enrolled = EnrolmentFactory(activity=programme)
    waiting = EnrolmentFactory(activity=programme, status=EnrolmentStatus.WAITING)

    response = alice_client.post(
        reverse("activiteiten:enrolment-withdraw", kwargs={"pk": enrolled.pk}), follow=True
    )

    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED
    assert "doorgeschoven van de wachtlijst" in response.content.decode()


def test_no_list_shows_who_takes_part_for_free(alice_client, school_a):
    programme = ChildrenProgrammeFactory(school=school_a, capacity=1)
    free = EnrolmentFactory(activity=programme, free_of_charge=True)
    EnrolmentFactory(activity=programme, free_of_charge=True, status=EnrolmentStatus.WAITING)
    AttendanceFactory(session__activity=programme, child=free.child, parent=None)
    pages = [
        reverse("activiteiten:enrolment-list", kwargs={"pk": programme.pk}),
        reverse("activiteiten:activity-detail", kwargs={"pk": programme.pk}) + "?jaar=2024/2025",
        _attendance_url(programme, datetime.date(2024, 10, 1)),
        reverse("activiteiten:activity-list"),
    ]

    for url in pages:
        content = alice_client.get(url).content.decode().lower()
        assert "stadspas" not in content, url
        assert "gratis" not in content, url
        assert "free_of_charge" not in content, url


def test_the_free_mark_is_changed_on_the_enrolment_itself(alice_client, school_a):
    enrolment = EnrolmentFactory(activity__school=school_a, free_of_charge=True)
    url = reverse("activiteiten:enrolment-update", kwargs={"pk": enrolment.pk})

    response = alice_client.post(url, {})

    enrolment.refresh_from_db()
    assert response.status_code == 302
    assert enrolment.free_of_charge is False


# --- active parents ------------------------------------------------------------------------


def test_the_coordinator_adds_and_removes_an_active_parent(alice_client, school_a, parent_a):
    url = reverse("activiteiten:role-list", kwargs={"school": school_a.slug})

    added = alice_client.post(
        url, {"parent": parent_a.pk, "role": "ontbijt", "school_year": "2024/2025"}
    )
    role = ActiveParentRole.objects.get()
    listed = alice_client.get(url + "?jaar=2024/2025")
    removed = alice_client.post(reverse("activiteiten:role-delete", kwargs={"pk": role.pk}))

    assert added.status_code == 302
    assert (role.parent, role.role, role.school_year) == (parent_a, "ontbijt", "2024/2025")
    assert "Fatima El Amrani" in listed.content.decode()
    assert removed.status_code == 302
    assert not ActiveParentRole.objects.exists()


def test_a_bad_school_year_gets_a_dutch_error(alice_client, school_a, parent_a):
    url = reverse("activiteiten:role-list", kwargs={"school": school_a.slug})

    response = alice_client.post(
        url, {"parent": parent_a.pk, "role": "ontbijt", "school_year": "2024-2025"}
    )

    assert response.status_code == 200
    assert not ActiveParentRole.objects.exists()
    assert "school_year" in response.context["form"].errors


def test_a_parent_of_another_school_cannot_get_a_role_here(alice_client, school_a, school_b):
    stranger = ParentFactory(family=FamilyFactory(school=school_b))
    url = reverse("activiteiten:role-list", kwargs={"school": school_a.slug})

    response = alice_client.post(
        url, {"parent": stranger.pk, "role": "ontbijt", "school_year": "2024/2025"}
    )

    assert response.status_code == 200
    assert not ActiveParentRole.objects.exists()


def test_the_roles_menu_goes_to_the_first_school(alice_client, school_a):
    response = alice_client.get(reverse("activiteiten:role-home"))

    assert response.url == reverse("activiteiten:role-list", kwargs={"school": school_a.slug})


def test_today_is_offered_for_attendance_on_the_activity_page(alice_client, school_a):
    today = timezone.localdate()
    activity = ActivityFactory(school=school_a, weekday=today.weekday(), valid_from=today)

    page = alice_client.get(reverse("activiteiten:activity-detail", kwargs={"pk": activity.pk}))

    assert page.context["today_row"].day == today


def test_opening_an_enrolment_is_logged(alice_client, school_a):
    from familieschool.constants import AuditAction
    from familieschool.models import AuditLog

    enrolment = EnrolmentFactory(activity__school=school_a)

    alice_client.get(reverse("activiteiten:enrolment-update", kwargs={"pk": enrolment.pk}))

    entry = AuditLog.objects.get(action=AuditAction.VIEW)
    assert (entry.object_type, entry.object_id, entry.family_id) == (
        "activiteiten.enrolment",
        enrolment.pk,
        enrolment.child.family_id,
    )


def test_a_childrens_programme_lists_no_parents(alice_client, school_a, parent_a):
    programme = ChildrenProgrammeFactory(school=school_a)

    page = alice_client.get(_attendance_url(programme, datetime.date(2024, 10, 9)))

    assert page.context["sheet"].others == []
    assert "Fatima" not in page.content.decode()


# --- finding the session and the regulars (issue 11) ----------------------------------------


def test_on_a_day_without_a_session_the_next_and_last_session_come_first(alice_client, school_a):
    today = timezone.localdate()
    activity = ActivityFactory(
        school=school_a,
        weekday=(today.weekday() + 2) % 7,
        valid_from=today - datetime.timedelta(days=60),
    )
    rows = alice_client.get(reverse("activiteiten:activity-detail", args=[activity.pk])).context
    last, following = rows["last_row"].day, rows["next_row"].day

    assert rows["today_row"] is None
    assert (today - last).days in range(1, 8) and (following - today).days in range(1, 8)
    page = alice_client.get(reverse("activiteiten:activity-detail", args=[activity.pk]))
    shortcuts = page.content.decode().split('id="attendance-shortcuts"')[1].split("</nav>")[0]
    assert _attendance_url(activity, last) in shortcuts
    assert _attendance_url(activity, following) in shortcuts


def test_who_came_most_often_is_listed_first(alice_client, school_a):
    activity = ActivityFactory(school=school_a)
    once, twice, thrice = (
        ParentFactory(family=FamilyFactory(school=school_a), first_name=name)
        for name in ("Anna", "Bea", "Cem")
    )
    for weeks, people in ((1, [once, twice, thrice]), (2, [twice, thrice]), (3, [thrice])):
        session = SessionFactory(activity=activity, date=TUESDAY - datetime.timedelta(weeks=weeks))
        for parent in people:
            AttendanceFactory(session=session, parent=parent)

    sheet = alice_client.get(_attendance_url(activity)).context["sheet"]

    assert [row.name.split()[0] for row in sheet.regulars] == ["Cem", "Bea", "Anna"]
