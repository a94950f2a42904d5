import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familieschool.forms import ListedModelChoiceField, ListedModelMultipleChoiceField
from familieschool.models import School

pytestmark = pytest.mark.django_db


class SchoolsForm(forms.Form):
    school = ListedModelChoiceField(queryset=None, widget=forms.RadioSelect)
    schools = ListedModelMultipleChoiceField(queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.order_by("name")
        self.fields["schools"].queryset = School.objects.order_by("name")


def test_listed_choices_are_read_once_however_often_they_are_rendered(school_a, school_b):
    form = SchoolsForm()

    with CaptureQueriesContext(connection) as context:
        first = str(form["school"]) + str(form["schools"])
        count = len(form.fields["school"].choices)
        labels = [choice.choice_label for choice in form["school"]]
        again = str(form["school"]) + str(form["schools"])

    assert len(context) == 2
    assert first == again
    assert labels == sorted([school_a.name, school_b.name])
    assert count == 2


def test_listed_choices_still_reject_a_value_outside_the_queryset(school_a):
    form = SchoolsForm(data={"school": str(school_a.pk + 1000)})

    assert not form.is_valid()
    assert "school" in form.errors

    valid = SchoolsForm(data={"school": str(school_a.pk)})
    assert valid.is_valid()
    assert valid.cleaned_data["school"] == school_a
