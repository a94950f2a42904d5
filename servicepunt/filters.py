from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from familieschool.access import families_for

from .constants import Channel, Outcome
from .forms import DateInput
from .models import Contact, ContactTheme
from .selectors import day_start, themes_active


class ContactFilter(django_filters.FilterSet):
    # Dates and the theme filter are ranges and EXISTS that the indexes serve; a filter on the
    # local date or a join on the themes would read (and DISTINCT) every contact of the school.
    date_from = django_filters.DateFilter(label=_("From"), method="filter_from", widget=DateInput)
    date_to = django_filters.DateFilter(label=_("Until"), method="filter_to", widget=DateInput)
    # The choices are read once per request in __init__ (one query): a model choice would ask
    # the database again to check the value and once more, through a cursor, for the options.
    theme = django_filters.ChoiceFilter(
        label=_("Theme"), choices=(), empty_label=_("All"), method="filter_theme"
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=_("All")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=Outcome.choices, empty_label=_("All")
    )
    # A family code typed (with a type-ahead where JavaScript runs), not a drop-down of every
    # family of the school.
    family = django_filters.CharFilter(
        label=_("Family code"),
        method="filter_family",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "list": "family-codes", "data-family-codes": ""}
        ),
    )
    who = django_filters.ChoiceFilter(
        label=_("Who"),
        choices=[("anonymous", _("Anonymous")), ("known", _("Known family"))],
        empty_label=_("All"),
        method="filter_who",
    )

    class Meta:
        model = Contact
        fields = []

    def __init__(self, *args, user, **kwargs):
        # The queryset is already scoped to the user's schools; ``user`` stays for callers.
        super().__init__(*args, **kwargs)
        self.user = user
        self._counting = False
        self._families: dict[str, list[int]] = {}
        self.filters["theme"].extra["choices"] = list(themes_active().values_list("pk", "name"))

    def filter_from(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=day_start(value + timedelta(days=1)))

    @cached_property
    def qs_to_count(self) -> QuerySet[Contact]:
        """The rows of ``qs`` in the shape that counts them cheaply (see ``filter_theme``)."""
        if not self.is_bound:
            return self.qs
        self.form.is_valid()  # the valid fields' cleaned_data, as ``qs`` filters on
        if not self.form.cleaned_data.get("theme"):
            return self.qs  # without a theme the page's shape is the counting shape
        self._counting = True
        try:
            return self.filter_queryset(self.queryset.all())
        finally:
            self._counting = False

    def filter_theme(self, queryset, name, value):
        if self._counting:
            # Counting: the theme's links of the user's schools, one index range per school.
            # The page's walk would think these few links match almost no contact (PostgreSQL
            # does not know they all belong to the school) and sort the school's five years.
            links = ContactTheme.objects.visible_to(self.user).filter(theme_id=value)
            return queryset.filter(pk__in=links.values("contact_id"))
        # The page: the newest contacts of the school, each probed for the theme.
        links = ContactTheme.objects.filter(contact=OuterRef("pk"), theme_id=value)
        return queryset.filter(Exists(links))

    def filter_family(self, queryset, name, value):
        # The family ids of the user's schools first (codes repeat across schools; a separate
        # small query, so the planner sees the few ids), then the contacts by family index.
        return queryset.filter(family_id__in=self._family_ids(value.strip()))

    def _family_ids(self, code: str) -> list[int]:
        # Read once per filter set: ``qs`` and ``qs_to_count`` both ask.
        if code not in self._families:
            families = families_for(self.user).filter(code__iexact=code)
            self._families[code] = list(families.values_list("pk", flat=True))
        return self._families[code]

    def filter_who(self, queryset, name, value):
        return queryset.filter(family__isnull=value == "anonymous")
