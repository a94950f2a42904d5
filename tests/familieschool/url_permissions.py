from tests.permission_table import ROLES, A, Row, only

ROWS = [
    Row("home", dict.fromkeys(ROLES, 302)),
    Row("healthz", dict.fromkeys(ROLES, 200), anonymous=200),
    Row("login", dict.fromkeys(ROLES, 302), anonymous=200),
    Row("logout", dict.fromkeys(ROLES, 302), method="post", anonymous=302),
    # Django's admin sends everyone who is not staff to its own login page.
    Row("admin:index", only(A, ok=200) | {r: 302 for r in ROLES if r != A}, anonymous=302),
]
