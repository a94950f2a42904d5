"""Reads of the servicepunt, scoped by the access policy."""

from django.db.models import QuerySet

from familieschool.access import organisation_for

from .constants import ReferralStatus
from .models import Referral


def referrals_for_partner(user) -> QuerySet[Referral]:
    """Referrals a partner's staff may see: addressed to their organisation, consent standing."""
    organisation = organisation_for(user)
    if organisation is None:
        return Referral.objects.none()
    return Referral.objects.filter(
        partner=organisation, consent_withdrawn_at__isnull=True
    ).exclude(status=ReferralStatus.WITHDRAWN)
