import django_filters
from django.utils.translation import gettext_lazy as _

from familieschool.access import families_for

from .constants import Channel, Outcome
from .forms import DateInput
from .models import Contact
from .selectors import themes_active


class ContactFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="occurred_at__date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), field_name="occurred_at__date", lookup_expr="lte", widget=DateInput
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=themes_active(), empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=_("All")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), choices=Outcome.choices, empty_label=_("All")
    )
    family = django_filters.ModelChoiceFilter(
        label=_("Family"), queryset=None, empty_label=_("All")
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
        super().__init__(*args, **kwargs)
        self.filters["family"].queryset = families_for(user).order_by("code")

    def filter_who(self, queryset, name, value):
        return queryset.filter(family__isnull=value == "anonymous")

    def filter_queryset(self, queryset):
        qs = super().filter_queryset(queryset)
        # Filtering on a theme joins the many-to-many table; one row per contact is enough.
        if self.form.cleaned_data.get("theme"):
            qs = qs.distinct()
        return qs
