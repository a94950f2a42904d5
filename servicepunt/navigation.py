from django.utils.translation import gettext_lazy as _

from familieschool.access import COORDINATOR

MENU = {COORDINATOR: [(_("Walk-in"), "servicepunt:walkin")]}
