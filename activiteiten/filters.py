import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import TargetGroup
from .models import Activity, ActivityType, audience_in


class ActivityFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(label=_("School"), queryset=None)
    type = django_filters.ModelChoiceFilter(label=_("Type"), queryset=ActivityType.objects.all())
    target_group = django_filters.ChoiceFilter(
        label=_("Target group"), choices=TargetGroup.choices, method="filter_target_group"
    )
    current = django_filters.BooleanFilter(
        label=_("Running now"), method="filter_current", widget=django_filters.widgets.BooleanWidget
    )

    class Meta:
        model = Activity
        fields = ["school", "type", "target_group"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = schools

    def filter_target_group(self, queryset, name, value):
        return queryset.filter(audience_in([value])) if value else queryset

    def filter_current(self, queryset, name, value):
        today = timezone.localdate()
        running = Q(valid_from__lte=today) & (
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
        return queryset.filter(running) if value else queryset.exclude(running)
