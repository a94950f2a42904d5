"""The second step: required for administrators and project leaders, set up at first login."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from familieschool.constants import AuditAction
from familieschool.models import AuditLog
from familieschool.second_factor import second_factor_secret
from tests.familieschool.factories import PASSWORD

SETUP = reverse("second-factor-setup")
VERIFY = reverse("second-factor-verify")


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code; ``steps_ahead=1`` is the next one, which the device also accepts (a
    code once used is refused, so a login right after the setup needs the next code)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def password_login(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrol(user) -> list[str]:
    """Go through the setup as the user would; return the recovery codes shown."""
    client = password_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(SETUP, {"token": code_for(device), "next": "/"})
    return re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["lisa", "adam"])
def test_the_password_alone_does_not_open_an_administrator_or_project_leader_page(
    request, user_fixture
):
    user = request.getfixturevalue(user_fixture)
    client = password_login(user)
    for url in (reverse("home"), reverse("admin:index"), reverse("rapportage:export")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(SETUP + "?next="), url


@pytest.mark.django_db
def test_first_login_sets_up_an_app_with_a_qr_code_and_shows_recovery_codes_once(lisa):
    client = password_login(lisa)
    landing = client.get(reverse("home"))
    page = client.get(landing.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Stel de tweede stap in" in html
    assert re.search(r'<svg[^>]*class="otp-qr"', html)
    device = TOTPDevice.objects.get(user=lisa, confirmed=False)
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert secret == second_factor_secret(device)
    # A reload shows the same key, so a scan made a moment ago still fits.
    assert secret in client.get(landing.url).content.decode()
    assert TOTPDevice.objects.filter(user=lisa).count() == 1
    assert "no-store" in page.headers["Cache-Control"]

    wrong = client.post(SETUP, {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert "Deze code klopt niet" in wrong.content.decode()
    assert client.get(reverse("rapportage:dashboard")).status_code == 302

    # django-otp throttles a device after a wrong code (1 s, doubling with each failure).
    time.sleep(1.1)
    done = client.post(SETUP, {"token": code_for(device), "next": "/rapportage/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert 'href="/rapportage/"' in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("rapportage:dashboard")).status_code == 200
    assert AuditLog.objects.filter(user=lisa, action=AuditAction.OTP_ENROL).count() == 1
    # The codes are stored only in the database, never in the session.
    assert not any(code in str(dict(client.session)) for code in codes)


@pytest.mark.django_db
def test_an_enrolled_administrator_types_the_code_at_the_next_login(adam):
    enrol(adam)
    device = TOTPDevice.objects.get(user=adam, confirmed=True)
    client = password_login(adam)
    response = client.get(reverse("admin:index"))
    assert response.url == f"{VERIFY}?next=%2Fbeheer%2F"
    # Setting up a second app is not possible behind the password alone.
    assert client.get(SETUP).url == VERIFY
    wrong = client.post(VERIFY, {"token": "12345", "next": "/beheer/"})
    assert "Deze code klopt niet of is al gebruikt" in wrong.content.decode()
    time.sleep(1.1)  # the throttle after a wrong code
    ok = client.post(VERIFY, {"token": code_for(device, steps_ahead=1), "next": "/beheer/"})
    assert ok.url == "/beheer/"
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(lisa):
    codes = enrol(lisa)
    first = password_login(lisa)
    response = first.post(VERIFY, {"token": codes[0], "next": "/rapportage/"}, follow=True)
    assert response.status_code == 200
    assert "nog 9 over" in response.content.decode()
    assert StaticToken.objects.filter(device__user=lisa).count() == 9
    assert AuditLog.objects.filter(user=lisa, action=AuditAction.OTP_RECOVERY).count() == 1

    second = password_login(lisa)
    again = second.post(VERIFY, {"token": codes[0], "next": "/rapportage/"})
    assert again.status_code == 200
    assert second.get(reverse("rapportage:dashboard")).status_code == 302


@pytest.mark.django_db
def test_a_coordinator_needs_no_second_step_unless_the_setting_says_so(alice, settings):
    client = password_login(alice)
    assert client.get(reverse("servicepunt:walkin")).status_code == 200

    settings.OTP_REQUIRED_FOR_ALL = True
    response = client.get(reverse("servicepunt:walkin"))
    assert response.url.startswith(SETUP)


@pytest.mark.django_db
def test_public_pages_and_logout_stay_open_before_the_second_step(lisa, school_a):
    client = password_login(lisa)
    public = client.get(reverse("activiteiten:public-school", args=[school_a.slug]))
    assert public.status_code == 200
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_administrator_resets_a_lost_second_step(lisa, adam_client):
    enrol(lisa)
    response = adam_client.post(
        reverse("admin:familieschool_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [lisa.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=lisa).exists()
    assert not StaticToken.objects.filter(device__user=lisa).exists()
    reset = AuditLog.objects.get(action=AuditAction.OTP_RESET)
    assert (reset.user.username, reset.object_id) == ("adam", lisa.pk)
    client = password_login(lisa)
    assert client.get(reverse("home")).url.startswith(SETUP)


@pytest.mark.django_db
def test_the_next_address_cannot_lead_off_the_site(lisa):
    enrol(lisa)
    device = TOTPDevice.objects.get(user=lisa, confirmed=True)
    client = password_login(lisa)
    response = client.post(
        VERIFY, {"token": code_for(device, steps_ahead=1), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")
