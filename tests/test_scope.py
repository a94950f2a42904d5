"""The scope of every school-owned model has one home, and views fetch only through it.

``familieschool.access.SCOPE_PATHS`` says how each model reaches its school (and, for what
partner staff see, their organisation); ``Model.objects.visible_to(user)`` and the
``<entity>_get(*, user, pk)`` selectors apply it. These tests fail for a model that reaches a
school without a row, and for a view module that queries such a model around the scope.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import ForeignKey, OneToOneField

from familieschool.access import SCOPE_PATHS, UNSCOPED
from familieschool.models import PartnerOrganisation, School

ROOT = Path(__file__).resolve().parents[1]
VIEW_MODULES = sorted(ROOT.glob("*/views.py"))
# Fetching and scoping belong in selectors; a view calls them.
SCOPING_HELPERS = {"get_for_user", "get_object_or_404", "get_list_or_404"}
SCOPE_WORDS = ("school", "organisation", "partner")


def _reaches_school() -> set[str]:
    """Labels of the models with a chain of foreign keys ending at School.

    Many-to-many relations do not make a record school-owned (a coordinator's ``User.schools``).
    """
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            label = model._meta.label
            if label in found or model is School:
                continue
            for field in model._meta.get_fields():
                if not isinstance(field, ForeignKey | OneToOneField):
                    continue
                target = field.related_model
                if target is School or target._meta.label in found:
                    found.add(label)
                    changed = True
                    break
    return found


def _follow(model, path: str):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def test_every_model_that_reaches_a_school_has_a_row_in_the_scope_table():
    assert sorted(_reaches_school() - set(SCOPE_PATHS) - set(UNSCOPED)) == []


@pytest.mark.parametrize("label", sorted(SCOPE_PATHS))
def test_each_scope_path_leads_to_the_school_and_organisation(label):
    model = apps.get_model(label)
    school_path, organisation_path = SCOPE_PATHS[label]
    assert _follow(model, school_path) is School
    if organisation_path:
        assert _follow(model, organisation_path) is PartnerOrganisation
    assert hasattr(model.objects.all(), "visible_to")


def _model_names() -> set[str]:
    return {label.split(".")[1] for label in SCOPE_PATHS}


def scope_violations(source: str, filename: str = "<views>") -> list[str]:
    """What a view module does that belongs in a selector (line: reason)."""
    names = _model_names()
    tree = ast.parse(source, filename)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            parent = parents.get(node)
            if not (isinstance(parent, ast.Attribute) and parent.attr == "visible_to"):
                found.append(f"{node.lineno}: {node.value.id}.{node.attr} without visible_to")
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in SCOPING_HELPERS:
                found.append(f"{node.lineno}: {called}() (fetch through a selector)")
            if called in ("filter", "exclude", "get"):
                for keyword in node.keywords:
                    if keyword.arg and any(word in keyword.arg for word in SCOPE_WORDS):
                        found.append(f"{node.lineno}: filters by {keyword.arg}")
    return sorted(found, key=lambda line: int(line.split(":")[0]))


@pytest.mark.parametrize("path", VIEW_MODULES, ids=[p.parent.name for p in VIEW_MODULES])
def test_views_query_school_owned_models_only_through_the_scope(path):
    assert scope_violations(path.read_text(), str(path)) == []


def test_an_unscoped_fetch_in_a_view_is_caught():
    source = """
from servicepunt.models import Contact, Referral
from familieschool.access import get_for_user

def contact_detail(request, pk):
    contact = Contact.objects.get(pk=pk)
    mine = Referral.objects.visible_to(request.user).get(pk=pk)
    other = get_for_user(Referral.objects.all(), pk=pk)
    return Referral.objects.visible_to(request.user).filter(school__in=[1])
"""
    assert scope_violations(source) == [
        "6: Contact.objects without visible_to",
        "8: get_for_user() (fetch through a selector)",
        "8: Referral.objects without visible_to",
        "9: filters by school__in",
    ]
