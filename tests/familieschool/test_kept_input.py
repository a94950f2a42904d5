"""A form posted on a session that has just ended comes back after the next login, once, to the
same user only: the real middleware, CSRF checks and login with its second step."""

import ast
import datetime
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from activiteiten.models import Session
from familieschool.constants import Weekday
from familieschool.kept_input import KEPT_INPUT
from familieschool.middleware import LAST_SEEN, LOGIN_AT
from familieschool.models import Family
from servicepunt.models import Contact, Referral
from tests.activiteiten.factories import ActivityFactory, AttendanceFactory, SessionFactory
from tests.familieschool.factories import (
    PASSWORD,
    FamilyFactory,
    ParentFactory,
    PartnerOrganisationFactory,
    UserFactory,
)
from tests.familieschool.test_second_factor import code_for
from tests.partners.factories import SpreekuurFactory
from tests.partners.test_views import coming_date
from tests.servicepunt.factories import ContactFactory, ReferralFactory, default_themes

pytestmark = pytest.mark.django_db

WALKIN = reverse("servicepunt:walkin")
NOTE = "Vraag over de huurtoeslag, brief meegenomen."
KEPT = "Je was uitgelogd; wat je had ingevuld staat er nog. Controleer het en sla op."


@pytest.fixture(autouse=True)
def _second_step_for_everyone(settings):
    # Coordinators too go through the second step here, as they do where a board asks for it.
    settings.OTP_REQUIRED_FOR_ALL = True


@pytest.fixture
def themes(db):
    return default_themes()


def log_in(client, user, next_url):
    """Password, then the app's code, as the login pages ask; returns the page after that."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="app", defaults={"confirmed": True}
    )
    # A code once used is refused; a second login in a test takes the next one.
    step = 1 if device.last_t >= 0 else 0
    login_page = client.get(f"{reverse('login')}?next={next_url}")
    password = client.post(
        reverse("login"),
        {
            "username": user.username,
            "password": PASSWORD,
            "next": next_url,
            "csrfmiddlewaretoken": csrf_token(login_page),
        },
    )
    assert password.status_code == 302
    verify = client.get(password.url)
    assert verify.status_code == 302 and verify.url.startswith(reverse("second-factor-verify"))
    code = client.post(
        verify.url,
        {
            "token": code_for(device, steps_ahead=step),
            "csrfmiddlewaretoken": csrf_token(client.get(verify.url)),
        },
    )
    assert code.status_code == 302
    return code


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def walkin_data(school, *theme_list, **extra):
    return {
        "school": school.pk,
        "themes": [theme.pk for theme in theme_list],
        "channel": "inloop",
        "occurred_at": time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - 600)),
        "who": "anonymous",
        "outcome": "answered",
        "note": NOTE,
        **extra,
    }


def go_idle(client, minutes=31):
    session = client.session
    now = time.time()
    session[LAST_SEEN] = now - minutes * 60
    session[LOGIN_AT] = now - 2 * 60 * 60
    session.save()


def post_after_idle(client, user, path, data):
    """Open ``path`` logged in, stay away too long, then press save: the response."""
    log_in(client, user, path)
    token = csrf_token(client.get(path))
    go_idle(client)
    return client.post(path, {**data, "csrfmiddlewaretoken": token})


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_walkin_posted_after_the_idle_timeout_is_back_after_login_and_saved_only_on_save(
    alice, school_a, themes
):
    client = Client(enforce_csrf_checks=True)
    data = walkin_data(school_a, themes["wonen"], themes["toeslagen"], interpreter="on")

    response = post_after_idle(client, alice, WALKIN, data)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={WALKIN}"
    assert "_auth_user_id" not in client.session
    assert not Contact.objects.exists()
    login_page = page(client, response.url)
    assert "Wat je had ingevuld is 15 minuten bewaard" in login_page
    assert NOTE not in login_page
    # Nothing of it in the cookies: the session store is the database.
    assert NOTE not in str(client.cookies)
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"

    assert log_in(client, alice, WALKIN).url == WALKIN
    restored = page(client, WALKIN)

    assert KEPT in restored
    assert f">{NOTE}</textarea>" in restored
    for theme in (themes["wonen"], themes["toeslagen"]):
        assert re.search(rf'value="{theme.pk}"[^>]*checked', restored)
    assert 'name="interpreter" id="id_interpreter" checked' in restored
    assert not Contact.objects.exists()

    saved = client.post(WALKIN, {**data, "csrfmiddlewaretoken": csrf_token(client.get(WALKIN))})

    assert saved.status_code == 302
    contact = Contact.objects.get()
    assert contact.note == NOTE and contact.interpreter
    assert {theme.code for theme in contact.themes.all()} == {"wonen", "toeslagen"}


def test_the_kept_input_is_used_once(alice, school_a, themes):
    client = Client(enforce_csrf_checks=True)
    post_after_idle(client, alice, WALKIN, walkin_data(school_a, themes["wonen"]))
    log_in(client, alice, WALKIN)

    assert NOTE in page(client, WALKIN)
    again = page(client, WALKIN)

    assert NOTE not in again and KEPT not in again
    assert KEPT_INPUT not in client.session


def test_the_session_age_limit_keeps_the_input_too(alice, school_a, themes, settings):
    client = Client(enforce_csrf_checks=True)
    log_in(client, alice, WALKIN)
    token = csrf_token(client.get(WALKIN))
    session = client.session
    session[LOGIN_AT] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session.save()

    response = client.post(
        WALKIN, {**walkin_data(school_a, themes["wonen"]), "csrfmiddlewaretoken": token}
    )

    assert response.url.startswith(reverse("login"))
    log_in(client, alice, WALKIN)
    assert NOTE in page(client, WALKIN)


def test_another_user_logging_in_on_that_tablet_gets_nothing(alice, school_a, themes):
    other = UserFactory(username="carla", schools=[school_a])
    client = Client(enforce_csrf_checks=True)
    post_after_idle(client, alice, WALKIN, walkin_data(school_a, themes["wonen"]))

    log_in(client, other, WALKIN)

    assert KEPT_INPUT not in client.session
    shown = page(client, WALKIN)
    assert NOTE not in shown and KEPT not in shown
    # Gone for good: not even alice finds it after carla.
    client.post(reverse("logout"), {"csrfmiddlewaretoken": csrf_token(client.get(WALKIN))})
    log_in(client, alice, WALKIN)
    assert NOTE not in page(client, WALKIN)


def test_expired_input_is_deleted_and_never_shown(alice, school_a, themes, settings):
    client = Client(enforce_csrf_checks=True)
    post_after_idle(client, alice, WALKIN, walkin_data(school_a, themes["wonen"]))
    # The anonymous session that holds it lives only as long as the input.
    assert client.session.get_expiry_age() == settings.KEPT_INPUT_MINUTES * 60
    session = client.session
    session[KEPT_INPUT]["until"] = time.time() - 1
    session.save()

    log_in(client, alice, WALKIN)
    shown = page(client, WALKIN)

    assert NOTE not in shown and KEPT not in shown
    assert KEPT_INPUT not in client.session
    # The logged-in session has its usual age again.
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_the_contact_edit_form_comes_back_and_the_contact_is_unchanged(alice, school_a, themes):
    contact = ContactFactory(school=school_a, note="Oud.", themes=[themes["wonen"]])
    path = reverse("servicepunt:contact-update", args=[contact.pk])
    data = {
        "occurred_at": contact.occurred_at.strftime("%Y-%m-%dT%H:%M"),
        "channel": contact.channel,
        "themes": [themes["werk"].pk],
        "note": NOTE,
        "outcome": contact.outcome,
    }
    client = Client(enforce_csrf_checks=True)

    post_after_idle(client, alice, path, data)
    log_in(client, alice, path)
    restored = page(client, path)

    assert KEPT in restored and NOTE in restored
    contact.refresh_from_db()
    assert contact.note == "Oud."
    assert [theme.code for theme in contact.themes.all()] == ["wonen"]


def test_the_referral_form_comes_back_and_nothing_is_referred(alice, school_a, themes):
    contact = ContactFactory(school=school_a)
    partner = PartnerOrganisationFactory(name="Werkwinkel Overvecht")
    path = reverse("servicepunt:referral-create", args=[contact.pk])
    data = {
        "partner": partner.pk,
        "consent": "on",
        "consent_given_by": "Moeder, mondeling",
        "consent_method": "verbal",
        "warm_handover": "on",
    }
    client = Client(enforce_csrf_checks=True)

    post_after_idle(client, alice, path, data)
    log_in(client, alice, path)
    restored = page(client, path)

    assert KEPT in restored
    assert 'value="Moeder, mondeling"' in restored
    assert re.search(rf'<option value="{partner.pk}" selected', restored)
    assert not Referral.objects.exists()


def test_the_chosen_walk_in_date_comes_back_in_its_own_form_of_the_booking_page(
    alice, school_a, family_a, partner_o
):
    walk_in = SpreekuurFactory(
        partner=partner_o, school=school_a, weekday=Weekday.TUESDAY, slot_minutes=None
    )
    referral = ReferralFactory(
        contact__school=school_a, contact__family=family_a, partner=partner_o
    )
    path = reverse("partners:book-from-referral", args=[referral.pk])
    day = coming_date(walk_in).isoformat()
    client = Client(enforce_csrf_checks=True)

    post_after_idle(client, alice, path, {"walk_in_on": day})
    log_in(client, alice, path)
    restored = page(client, path)

    assert KEPT in restored
    assert f'<option value="{day}" selected>' in restored
    referral.refresh_from_db()
    assert referral.walk_in_on is None


def test_a_stale_token_after_a_login_in_another_tab_keeps_the_input(alice, school_a, themes):
    client = Client(enforce_csrf_checks=True)
    log_in(client, alice, WALKIN)
    old_token = csrf_token(client.get(WALKIN))
    # Meanwhile, in another tab: logged out by the idle clock, and in again (a new token).
    go_idle(client)
    client.get(reverse("home"))
    log_in(client, alice, WALKIN)
    data = {**walkin_data(school_a, themes["wonen"]), "csrfmiddlewaretoken": old_token}

    response = client.post(WALKIN, data, headers={"Origin": "http://testserver"})

    assert response.status_code == 302 and response.url == WALKIN
    assert not Contact.objects.exists()
    assert NOTE in page(client, WALKIN)


def test_a_form_from_another_site_is_refused_and_not_kept(alice, school_a, themes):
    client = Client(enforce_csrf_checks=True)
    log_in(client, alice, WALKIN)
    data = {**walkin_data(school_a, themes["wonen"]), "csrfmiddlewaretoken": "x" * 32}

    forged = client.post(WALKIN, data, headers={"Origin": "https://evil.example"})
    no_origin = client.post(WALKIN, data)

    assert forged.status_code == no_origin.status_code == 403
    assert KEPT_INPUT not in client.session


def test_the_login_page_never_keeps_a_password(alice, school_a, themes):
    client = Client(enforce_csrf_checks=True)
    post_after_idle(client, alice, WALKIN, walkin_data(school_a, themes["wonen"]))
    kept_path = client.session[KEPT_INPUT]["path"]
    login_page = client.get(reverse("login"))

    client.post(
        reverse("login"),
        {
            "username": "alice",
            "password": "niet-mijn-wachtwoord",
            "csrfmiddlewaretoken": csrf_token(login_page),
        },
    )

    assert client.session[KEPT_INPUT]["path"] == kept_path == WALKIN
    assert "niet-mijn-wachtwoord" not in str(dict(client.session))


def test_an_address_that_only_takes_a_post_sends_her_back_with_a_message(alice, school_a, themes):
    referral = ReferralFactory(contact=ContactFactory(school=school_a))
    detail = reverse("servicepunt:referral-detail", args=[referral.pk])
    path = reverse("servicepunt:referral-status", args=[referral.pk])
    client = Client(enforce_csrf_checks=True)
    log_in(client, alice, detail)
    token = csrf_token(client.get(detail))
    go_idle(client)
    client.post(
        path,
        {"status": "afgerond", "csrfmiddlewaretoken": token},
        headers={"Referer": f"http://testserver{detail}"},
    )

    response = log_in(client, alice, path)
    back = client.get(response.url)

    assert back.status_code == 302 and back.url == f"http://testserver{detail}"
    assert "je laatste actie is niet uitgevoerd" in page(client, detail)
    referral.refresh_from_db()
    assert referral.status != "afgerond"


def test_a_dropped_file_is_named_on_the_page(alice, school_a, tmp_path):
    path = reverse("servicepunt:import")
    upload = tmp_path / "contacten.csv"
    upload.write_text("datum;thema\n")
    client = Client(enforce_csrf_checks=True)
    log_in(client, alice, path)
    token = csrf_token(client.get(path))
    go_idle(client)
    with upload.open("rb") as file:
        client.post(path, {"file": file, "csrfmiddlewaretoken": token})

    log_in(client, alice, path)

    assert "Het bestand dat je had gekozen is niet bewaard" in page(client, path)


# --- the attendance page: thirty ticks are not typed twice ---------------------------------

TUESDAY = datetime.date(2024, 10, 8)


class _FormFields(HTMLParser):
    """What a browser sends for the form ``form_id`` as rendered: ticked boxes only, no button,
    nothing inside a ``<template>``."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.templates = 0
        self.select = self.textarea = None
        self.fields: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        elif tag == "template":
            self.templates += 1
        if not self.inside or self.templates:
            return
        if tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select][-1] = attrs.get("value", "")
        name = attrs.get("name")
        if not name:
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind == "checkbox":
            if "checked" in attrs:
                self.fields.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "input" and kind not in ("submit", "button"):
            self.fields.setdefault(name, []).append(attrs.get("value", ""))
        elif tag in ("select", "textarea"):
            setattr(self, tag, name)
            self.fields.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "template":
            self.templates -= 1
        elif tag == "form":
            self.inside = False
        elif tag in ("select", "textarea"):
            setattr(self, tag, None)

    def handle_data(self, data):
        if self.textarea and not self.templates:
            self.fields[self.textarea][-1] += data


def attendance_fields(html) -> dict[str, list[str]]:
    """The attendance form's fields as the page renders them, as a browser would post them."""
    parser = _FormFields("attendance-form")
    parser.feed(html)
    return parser.fields


def attendance_page(school, regulars=3):
    """A coffee morning at ``school`` with its regulars; its attendance page and the regulars."""
    activity = ActivityFactory(school=school)
    earlier = SessionFactory(activity=activity, date=TUESDAY - datetime.timedelta(weeks=1))
    regulars = [
        AttendanceFactory(
            session=earlier, parent=ParentFactory(family=FamilyFactory(school=school))
        ).parent
        for _ in range(3)
    ]
    path = reverse("activiteiten:attendance", args=[activity.pk, TUESDAY.isoformat()])
    return activity, path, regulars


def ticked(fields, name) -> set[int]:
    return {int(value) for value in fields.get(name, [])}


def attendance_after_idle(client, user, path, **entered):
    """Open the attendance page, tick and type, stay away too long, press a button: the answer."""
    log_in(client, user, path)
    fields = {**attendance_fields(page(client, path)), **entered}
    go_idle(client)
    return client.post(path, fields)


def test_the_attendance_page_comes_back_ticked_after_login_and_is_saved_only_on_save(
    alice, school_a
):
    activity, path, (first, second, third) = attendance_page(school_a)
    families = Family.objects.count()
    client = Client(enforce_csrf_checks=True)

    response = attendance_after_idle(
        client,
        alice,
        path,
        parent=[first.pk, third.pk],
        first_time=[third.pk],
        anonymous_count=["7"],
        topic=["Stadspas aanvragen"],
        **{"new-0-first_name": ["Hodan"], "new-0-preferred_language": ["so"]},
    )

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={path}"
    assert not Session.objects.filter(activity=activity, date=TUESDAY).exists()
    assert log_in(client, alice, path).url == path
    restored = page(client, path)
    shown = attendance_fields(restored)

    assert KEPT in restored
    assert ticked(shown, "parent") == {first.pk, third.pk}
    assert ticked(shown, "first_time") == {third.pk}
    assert shown["anonymous_count"] == ["7"]
    assert shown["topic"] == ["Stadspas aanvragen"]
    assert shown["new-0-first_name"] == ["Hodan"]
    assert not Session.objects.filter(activity=activity, date=TUESDAY).exists()
    assert Family.objects.count() == families

    saved = client.post(path, shown)

    assert saved.status_code == 302
    session = Session.objects.get(activity=activity, date=TUESDAY)
    assert session.anonymous_count == 7 and session.topic == "Stadspas aanvragen"
    came = {a.parent.first_name: a.first_time for a in session.attendances.select_related("parent")}
    assert came == {first.first_name: False, third.first_name: True, "Hodan": True}


def test_a_search_without_javascript_comes_back_as_that_search_not_as_a_save(alice, school_a):
    activity, path, (first, _, _) = attendance_page(school_a)
    zeynep = ParentFactory(family=FamilyFactory(school=school_a), first_name="Zeynep")
    client = Client(enforce_csrf_checks=True)

    attendance_after_idle(client, alice, path, parent=[first.pk], q=["zeyn"], search=["1"])
    log_in(client, alice, path)
    restored = page(client, path)

    assert KEPT in restored
    assert re.search(
        rf'<li class="person-card search-match">\s*<input [^>]*value="{zeynep.pk}"', restored
    )
    assert ticked(attendance_fields(restored), "parent") == {first.pk}
    assert 'value="zeyn"' in restored
    assert not Session.objects.filter(activity=activity, date=TUESDAY).exists()


def test_another_user_gets_nothing_of_the_kept_attendance(alice, school_a):
    activity, path, (first, _, _) = attendance_page(school_a)
    carla = UserFactory(username="carla", schools=[school_a])
    client = Client(enforce_csrf_checks=True)
    attendance_after_idle(client, alice, path, parent=[first.pk], anonymous_count=["7"])

    log_in(client, carla, path)
    shown_html = page(client, path)
    shown = attendance_fields(shown_html)

    assert KEPT not in shown_html
    assert ticked(shown, "parent") == set() and shown["anonymous_count"] == ["0"]
    assert not Session.objects.filter(activity=activity, date=TUESDAY).exists()


def test_the_attendance_page_with_kept_input_runs_constant_queries_as_the_ticks_grow(school_a):
    counts = []
    for number, regulars in enumerate((3, 30)):
        user = UserFactory(username=f"coordinator{number}", schools=[school_a])
        _, path, parents = attendance_page(school_a, regulars=regulars)
        client = Client(enforce_csrf_checks=True)
        attendance_after_idle(client, user, path, parent=[parent.pk for parent in parents])
        log_in(client, user, path)
        with CaptureQueriesContext(connection) as queries:
            shown = attendance_fields(page(client, path))
        assert ticked(shown, "parent") == {parent.pk for parent in parents}
        counts.append(len(queries))

    assert counts[0] == counts[1]


VIEW_MODULES = sorted(Path(__file__).resolve().parents[2].glob("*/views.py"))


def _acts_only_on_a_post(function: ast.FunctionDef) -> bool:
    source = ast.unparse(function)
    decorators = {ast.unparse(decorator) for decorator in function.decorator_list}
    form_builder = len(function.body) == 1 and isinstance(function.body[0], ast.Return)
    return 'request.method == "POST"' in source.replace("'", '"') or (
        "require_POST" in decorators or form_builder
    )


@pytest.mark.parametrize("module", VIEW_MODULES, ids=lambda path: path.parent.name)
def test_every_view_that_binds_posted_data_saves_only_on_a_post(module):
    # posted() hands the kept input to a GET; a view that acted on any valid bound form would
    # save it unasked.
    tree = ast.parse(module.read_text())
    acting_on_a_get = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and "posted(request)" in ast.unparse(node)
        and not _acts_only_on_a_post(node)
    ]
    assert acting_on_a_get == []
