"""The contact list's filter form as the page writes it."""

import pytest
from django.utils import translation

from familieschool.templatetags.familieschool_tags import _widget_html, filter_field
from servicepunt.filters import ContactFilter
from servicepunt.models import Contact

pytestmark = pytest.mark.django_db

SUBMITTED = [
    None,
    {"theme": "wonen", "who": "known", "date_from": "2026-01-31", "family": 'A<"1>'},
    {"channel": "telefoon", "outcome": "nonsense", "date_to": "not a date", "theme": "999"},
]


def contact_filter_form(data, *, user, themes):
    if data and data.get("theme") == "wonen":
        data = {**data, "theme": str(themes["wonen"].pk)}
    form = ContactFilter(data, queryset=Contact.objects.none(), user=user).form
    form.is_valid()
    return form


@pytest.mark.parametrize("data", SUBMITTED)
def test_each_widget_is_written_as_its_django_template_writes_it(alice, themes, data):
    form = contact_filter_form(data, user=alice, themes=themes)
    for field in form:
        attrs = {"class": "form-select is-invalid", "aria-describedby": f"{field.auto_id}_e"}
        with translation.override("nl"):
            assert _widget_html(field, dict(attrs)) == field.as_widget(attrs=dict(attrs))


def test_the_filter_form_keeps_what_she_chose_and_says_what_is_wrong_in_dutch(alice, themes):
    form = contact_filter_form(SUBMITTED[2], user=alice, themes=themes)
    with translation.override("nl"):
        html = {field.name: str(filter_field(field)) for field in form}

    assert '<option value="telefoon" selected>Telefoon</option>' in html["channel"]
    assert 'value="not a date"' in html["date_to"]
    assert 'class="form-control is-invalid"' in html["date_to"]
    assert "Voer een geldige datum in." in html["date_to"]
    assert 'aria-describedby="id_outcome_error"' in html["outcome"]
