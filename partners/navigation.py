from django.utils.translation import gettext_lazy as _

from familieschool.access import PARTNER

MENU = {PARTNER: [(_("My week"), "partners:week")]}
