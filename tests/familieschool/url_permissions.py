from tests.permission_table import ROLES, A, C, L, P, Row, only

ROWS = [
    Row("home", dict.fromkeys(ROLES, 302)),
    Row("healthz", dict.fromkeys(ROLES, 200), anonymous=200),
    Row("login", dict.fromkeys(ROLES, 302), anonymous=200),
    Row("logout", dict.fromkeys(ROLES, 302), method="post", anonymous=302),
    # Administrators and project leaders of the cast have their second step done, so both pages
    # send them on; coordinators and partners have none and may set one up.
    Row("second-factor-setup", {C: 200, P: 200, L: 302, A: 302}),
    Row("second-factor-verify", dict.fromkeys(ROLES, 302)),
    # Sign-in through the identity provider is off by default (OIDC_ENABLED=0): both 404 for
    # everyone; tests/familieschool/test_oidc.py drives them switched on.
    Row("oidc_authentication_init", dict.fromkeys(ROLES, 404), anonymous=404),
    Row("oidc_authentication_callback", dict.fromkeys(ROLES, 404), anonymous=404),
    Row("password_reset", dict.fromkeys(ROLES, 200), anonymous=200),
    Row("password_reset_done", dict.fromkeys(ROLES, 200), anonymous=200),
    # A made-up token shows the "link no longer valid" page.
    Row(
        "password_reset_confirm",
        dict.fromkeys(ROLES, 200),
        kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
        anonymous=200,
        elsewhere="the path holds a signed reset token, not a school's object",
        audited="a staff account's password, not a family record",
    ),
    Row("password_reset_complete", dict.fromkeys(ROLES, 200), anonymous=200),
    # Django's admin sends everyone who is not staff to its own login page.
    Row("admin:index", only(A, ok=200) | {r: 302 for r in ROLES if r != A}, anonymous=302),
]

# An administrator handles the data requests of every school's families: no school is "another".
EVERY_SCHOOL = "administrators answer data requests for every school; other roles get a 403"

ROWS += [
    Row("audit-log", only(A)),
    Row(
        "family-privacy",
        only(A),
        kwargs=lambda w: {"pk": w.objects.family.pk},
        elsewhere=EVERY_SCHOOL,
        audited=True,
    ),
    Row(
        "family-privacy-json",
        only(A),
        kwargs=lambda w: {"pk": w.objects.family.pk},
        elsewhere=EVERY_SCHOOL,
        audited=True,
    ),
    Row(
        "family-erase",
        only(A, ok=302),
        kwargs=lambda w: {"pk": w.objects.family.pk},
        method="post",
        data=lambda w: {"confirm": "on"},
        elsewhere=EVERY_SCHOOL,
        audited=True,
    ),
]
