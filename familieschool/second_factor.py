"""The second factor (django-otp): a TOTP app, set up at first login, and recovery codes."""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import AuditAction
from .services import audit_log_record

__all__ = [
    "second_factor_device_for_setup",
    "second_factor_enrol",
    "second_factor_match",
    "second_factor_reset",
    "second_factor_qr_svg",
    "second_factor_secret",
    "user_has_device",
]


def second_factor_device_for_setup(*, user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made once so a reload shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def second_factor_qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code (segno, no external service)."""
    code = segno.make(device.config_url, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=5, border=2, svgclass="otp-qr", omitsize=False))


def second_factor_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def second_factor_enrol(*, user, device: TOTPDevice) -> list[str]:
    """Confirm the TOTP device and give the user fresh recovery codes (returned once)."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit_log_record(user=user, action=AuditAction.OTP_ENROL, obj=user)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def second_factor_match(*, user, token: str):
    """The confirmed device that accepts ``token`` (each has its own throttle), or None."""
    token = token.replace(" ", "").strip()
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(token):
                if isinstance(device, StaticDevice):
                    audit_log_record(user=user, action=AuditAction.OTP_RECOVERY, obj=user)
                return device
    return None


@transaction.atomic
def second_factor_reset(*, user, by) -> None:
    """Remove the user's app and recovery codes: at the next login they set up a new app."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_log_record(user=by, action=AuditAction.OTP_RESET, obj=user)
