"""Log a test client in the way a real login ends: password and second step both done."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from familieschool.access import second_factor_required


def force_login_verified(client, user) -> None:
    """``client.force_login(user)`` plus a confirmed TOTP device verified for the session.

    The second factor stays required (administrators and project leaders are sent to it
    without this); the cast simply has an app set up and has typed its code. Users who need no
    second step (coordinators, partners by default) have none, as in production.
    """
    client.force_login(user)
    if not second_factor_required(user):
        return
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test app", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
