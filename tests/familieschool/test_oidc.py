"""Sign-in through the board's identity provider (OpenID Connect), against a fake provider.

The provider is a real HTTP server on loopback (token, userinfo and JWKS endpoints) that signs
its ID tokens with an RSA key of its own: the portal's backend fetches and checks them exactly as
it would a real provider's. Only the browser's round trip to the provider's login page is played
by the test, which reads state and nonce from the redirect as the provider would.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from familieschool.constants import AuditAction
from familieschool.models import AuditLog

BACKEND = "familieschool.oidc.BoardOIDCBackend"
INIT = reverse("oidc_authentication_init")
CALLBACK = reverse("oidc_authentication_callback")
REFUSED = "Inloggen via Bestuursaccount is niet gelukt"


class FakeProvider:
    """Token, userinfo and JWKS endpoints; ``grant(code, nonce, claims)`` plays the login."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "board-1", "alg": "RS256", "use": "sig"}]}
        self.codes = {}  # code -> (nonce, claims)
        self.tokens = {}  # access token -> claims
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/jwks":
                    return self.reply(200, provider.jwks)
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self.reply(401, {"error": "invalid_token"})
                    return self.reply(200, provider.tokens[token])
                return self.reply(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                code = form.get("code", [""])[0]
                if self.path != "/token" or code not in provider.codes:
                    return self.reply(400, {"error": "invalid_grant"})
                nonce, claims = provider.codes.pop(code)
                access = f"access-{code}"
                provider.tokens[access] = claims
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.url,
                        "sub": claims["sub"],
                        "aud": form["client_id"][0],
                        "iat": now,
                        "exp": now + 300,
                        "nonce": nonce,
                    },
                    provider.key,
                    algorithm="RS256",
                    headers={"kid": "board-1"},
                )
                return self.reply(
                    200, {"access_token": access, "id_token": id_token, "token_type": "Bearer"}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def grant(self, code, nonce, claims):
        self.codes[code] = (nonce, claims)


@pytest.fixture
def provider():
    fake = FakeProvider()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def oidc_on(settings, provider):
    settings.OIDC_ENABLED = True
    settings.OIDC_BUTTON_LABEL = "Bestuursaccount"
    settings.OIDC_RP_CLIENT_ID = "familieschool"
    settings.OIDC_RP_CLIENT_SECRET = "s3cret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/jwks"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    return provider


def sign_in(client, provider, email, verified=True, next_url=None):
    """Press the button, 'log in' at the provider, come back with the code: the callback's reply."""
    start = client.get(INIT + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    assert start.url.startswith(provider.url + "/authorize?")
    query = parse_qs(urlsplit(start.url).query)
    assert query["client_id"] == ["familieschool"]
    assert query["redirect_uri"] == ["http://testserver" + CALLBACK]
    provider.grant(
        "code-1",
        query["nonce"][0],
        {"sub": "idp-42", "email": email, "email_verified": verified},
    )
    return client.get(CALLBACK, {"code": "code-1", "state": query["state"][0]})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_switched_off_there_is_no_button_and_no_oidc_address(client, settings):
    assert settings.OIDC_ENABLED is False
    assert BACKEND not in settings.AUTHENTICATION_BACKENDS
    page = client.get(reverse("login")).content.decode()
    assert "Inloggen via" not in page
    assert INIT not in page
    assert client.get(INIT).status_code == 404
    assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 404


@pytest.mark.django_db
def test_switched_on_the_login_page_shows_the_button(client, oidc_on):
    page = client.get(reverse("login"), {"next": "/rapportage/"}).content.decode()
    assert "Inloggen via Bestuursaccount" in page
    assert f'href="{INIT}?next=/rapportage/"' in page


@pytest.mark.django_db
def test_an_existing_user_signs_in_by_her_email_and_lands_on_her_start_page(alice, oidc_on):
    alice.email = "Alice.de.Vries@schakel.example"
    alice.save()
    client = Client()
    response = sign_in(client, oidc_on, "alice.de.vries@SCHAKEL.example")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == alice.pk
    landing = client.get(response.url, follow=True)
    assert landing.status_code == 200
    assert landing.redirect_chain[-1][0] == reverse("servicepunt:walkin")
    assert AuditLog.objects.filter(user=alice, action=AuditAction.LOGIN_OIDC).count() == 1


@pytest.mark.django_db
def test_an_unknown_address_creates_no_user_and_gets_the_plain_refusal(alice, oidc_on):
    users = get_user_model().objects.count()
    client = Client()
    response = sign_in(client, oidc_on, "nieuw@schakel.example")
    assert response.url == reverse("login")
    assert not logged_in(client)
    assert get_user_model().objects.count() == users
    assert REFUSED in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_an_unverified_address_is_refused(alice, oidc_on):
    alice.email = "alice@schakel.example"
    alice.save()
    client = Client()
    response = sign_in(client, oidc_on, "alice@schakel.example", verified=False)
    assert response.url == reverse("login")
    assert not logged_in(client)


@pytest.mark.django_db
def test_an_inactive_user_is_refused(alice, oidc_on):
    alice.email = "alice@schakel.example"
    alice.is_active = False
    alice.save()
    client = Client()
    response = sign_in(client, oidc_on, "alice@schakel.example")
    assert response.url == reverse("login")
    assert not logged_in(client)
    assert REFUSED in client.get(response.url).content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.LOGIN_OIDC).exists()


@pytest.mark.django_db
def test_a_project_leader_still_takes_the_second_step(lisa, oidc_on):
    lisa.email = "lisa@bestuur.example"
    lisa.save()
    client = Client()
    response = sign_in(client, oidc_on, "lisa@bestuur.example", next_url="/rapportage/")
    assert response.url == "/rapportage/"
    assert logged_in(client)
    page = client.get("/rapportage/")
    assert page.status_code == 302
    assert page.url.startswith(reverse("second-factor-setup") + "?next=")


@pytest.mark.django_db
def test_a_state_this_session_never_issued_is_refused(alice, oidc_on):
    alice.email = "alice@schakel.example"
    alice.save()
    client = Client()
    start = client.get(INIT)
    nonce = parse_qs(urlsplit(start.url).query)["nonce"][0]
    oidc_on.grant("code-1", nonce, {"sub": "x", "email": alice.email, "email_verified": True})
    response = client.get(CALLBACK, {"code": "code-1", "state": "forged-state"})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not logged_in(client)
    # The code was never exchanged: the portal stopped before talking to the provider.
    assert "code-1" in oidc_on.codes


@pytest.mark.django_db
def test_a_password_login_is_not_touched_by_the_oidc_backend(alice, oidc_on):
    from tests.familieschool.factories import PASSWORD

    client = Client()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in(client)
