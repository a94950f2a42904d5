"""The public school page: no login, four languages, nothing personal."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from activiteiten import selectors
from activiteiten.models import Session
from partners.models import Spreekuur
from tests.activiteiten.factories import (
    ActivityFactory,
    AttendanceFactory,
    ChildrenProgrammeFactory,
    EnrolmentFactory,
)
from tests.familieschool.factories import ChildFactory

HEADINGS = {
    "nl": "Wat is er te doen op school",
    "en": "What is on at school",
    "ar": "ماذا يحدث في المدرسة",
    "tr": "Okulda neler var",
}
SIGN_UP = {
    "nl": "Meld je eerst aan op school.",
    "en": "Sign up at the school first.",
    "ar": "سجِّل في المدرسة أولًا.",
    "tr": "Önce okulda kayıt olun.",
}


def _month_start():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def koffie(school_a):
    return ActivityFactory(
        school=school_a,
        title="Koffieochtend",
        title_en="Coffee morning",
        title_ar="صباح القهوة",
        description="Koffie en thee met andere ouders.",
        valid_from=_month_start() - datetime.timedelta(days=60),
        signup_required=True,
    )


def _page(client, school, language=None, name="activiteiten:public-school"):
    url = reverse(name, kwargs={"slug": school.slug})
    return client.get(url + (f"?taal={language}" if language else ""))


@pytest.mark.parametrize("language", ["nl", "en", "ar", "tr"])
def test_the_page_renders_in_each_language(client, school_a, koffie, language):
    response = _page(client, school_a, language)

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in content
    assert HEADINGS[language] in content
    assert SIGN_UP[language] in content
    assert response["Content-Language"] == language


def test_arabic_is_right_to_left_and_the_others_are_not(client, school_a, koffie):
    arabic = _page(client, school_a, "ar").content.decode()
    turkish = _page(client, school_a, "tr").content.decode()

    assert '<html lang="ar" dir="rtl">' in arabic
    assert "bootstrap.rtl.min.css" in arabic
    assert 'dir="rtl"' not in turkish


def test_titles_fall_back_to_dutch(client, school_a, koffie):
    assert "صباح القهوة" in _page(client, school_a, "ar").content.decode()
    assert "Coffee morning" in _page(client, school_a, "en").content.decode()
    turkish = _page(client, school_a, "tr").content.decode()
    assert "Koffieochtend" in turkish
    assert "Koffie en thee met andere ouders." in turkish


def test_an_unknown_language_shows_dutch(client, school_a, koffie):
    content = _page(client, school_a, "xx").content.decode()

    assert HEADINGS["nl"] in content


def test_without_a_choice_the_page_follows_the_browser_language(client, school_a, koffie):
    url = reverse("activiteiten:public-school", kwargs={"slug": school_a.slug})

    arabic = client.get(url, HTTP_ACCEPT_LANGUAGE="ar-MA,ar;q=0.9").content.decode()
    polish = client.get(url, HTTP_ACCEPT_LANGUAGE="pl-PL").content.decode()

    assert '<html lang="ar" dir="rtl">' in arabic
    assert HEADINGS["nl"] in polish


def test_the_month_names_are_in_the_chosen_language(client, school_a, koffie):
    day = timezone.localdate()
    from django.utils import dateformat, translation

    with translation.override("tr"):
        month = dateformat.format(day, "F")

    assert month in _page(client, school_a, "tr").content.decode()


def test_the_page_holds_no_personal_data_and_no_counts(client, school_a, koffie, parent_a):
    this_month = [
        day
        for day in (_month_start() + datetime.timedelta(days=n) for n in range(28))
        if day.weekday() == koffie.weekday
    ]
    session = AttendanceFactory(
        session__activity=koffie, session__date=this_month[0], parent=parent_a
    ).session
    session.topic = "Gesprek met Fatima over schulden"
    session.anonymous_count = 2931
    session.save()
    programme = ChildrenProgrammeFactory(
        school=school_a, public=True, valid_from=_month_start() - datetime.timedelta(days=60)
    )
    child = ChildFactory(family=parent_a.family, first_name="Yasmina")
    EnrolmentFactory(activity=programme, child=child, free_of_charge=True)

    for language in ("nl", "en", "ar", "tr"):
        for name in ("activiteiten:public-school", "activiteiten:public-poster"):
            content = _page(client, school_a, language, name).content.decode()
            assert "Fatima" not in content
            assert "El Amrani" not in content
            assert "Yasmina" not in content
            assert parent_a.family.code not in content
            assert "2931" not in content
            assert "schulden" not in content
            assert "stadspas" not in content.lower()


def test_a_cancelled_date_and_a_closed_activity_are_left_out(client, school_a, koffie):
    first = next(
        day
        for day in (timezone.localdate() + datetime.timedelta(days=n) for n in range(7))
        if day.weekday() == koffie.weekday
    )
    Session.objects.create(activity=koffie, date=first, cancelled=True)
    ActivityFactory(
        school=school_a, title="Besloten vergadering", public=False, valid_from=_month_start()
    )

    response = _page(client, school_a, "en")

    item = response.context["schedule"].activities[0]
    assert first not in item.dates
    assert len(item.dates) >= 3
    assert "Besloten vergadering" not in response.content.decode()


def test_the_partners_spreekuren_are_shown(client, school_a, partner_p):
    Spreekuur.objects.create(
        partner=partner_p,
        school=school_a,
        weekday=0,
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        valid_from=_month_start() - datetime.timedelta(days=30),
        room="Ouderkamer",
    )

    content = _page(client, school_a, "ar").content.decode()

    assert "Werkwinkel" in content
    assert "09:00–11:00" in content
    assert "مواعيد الاستشارة" in content


def test_the_poster_has_a_qr_code_to_the_page(client, school_a, koffie, settings):
    settings.SITE_URL = "https://familieschool.example/"

    content = _page(client, school_a, "tr", name="activiteiten:public-poster").content.decode()

    assert re.search(r'<svg[^>]*class="qr-code"', content)
    # No language in the code: the page opens in the language of the phone that scans it.
    assert "https://familieschool.example/activiteiten/publiek/de-schakel/<" in content
    assert "?taal=tr<" not in content
    # The A4 print rules live in a static stylesheet (no inline styles under the CSP).
    assert "/static/css/poster.css" in content
    assert "@page { size: A4" in (settings.BASE_DIR / "static/css/poster.css").read_text()


def test_the_page_shows_the_coming_six_weeks_whatever_the_day_of_the_month(school_a, koffie):
    end_of_month = datetime.date(2026, 11, 29)
    koffie.valid_from = datetime.date(2026, 9, 1)
    koffie.weekday = 1  # Tuesdays
    koffie.save()

    schedule = selectors.public_schedule(school_a, "nl", end_of_month)

    dates = schedule.activities[0].dates
    assert schedule.first == end_of_month
    assert schedule.last == datetime.date(2027, 1, 9)
    assert dates[0] == datetime.date(2026, 12, 1)
    assert all(end_of_month <= day <= schedule.last for day in dates)
    assert len(dates) >= 3


def test_the_page_shows_no_dates_that_have_passed(client, school_a, koffie):
    response = _page(client, school_a, "nl")

    dates = response.context["schedule"].activities[0].dates
    assert dates[0] >= timezone.localdate()
    assert 'class="past"' not in response.content.decode()


def test_the_poster_without_a_choice_follows_the_browser_language(client, school_a, koffie):
    url = reverse("activiteiten:public-poster", kwargs={"slug": school_a.slug})

    content = client.get(url, HTTP_ACCEPT_LANGUAGE="tr-TR,tr;q=0.9").content.decode()

    assert '<html lang="tr"' in content


def test_an_unknown_school_is_not_found(client, db):
    response = client.get(reverse("activiteiten:public-school", kwargs={"slug": "nergens"}))

    assert response.status_code == 404
