"""Form data reaches a service in one shape: keyword arguments of plain, validated values.

A view binds its form with ``posted(request)`` (``request.POST or None`` leaves a form of
unticked boxes unbound), validates it, and calls the service with the objects from the URL and
``user=request.user`` by name and the form's values as ``**form.cleaned_data`` or one by one.
A service lists its arguments keyword-only and typed: no ``**fields``, no ``data`` dict, no
form or ``request.POST``. These tests read the sources and fail for any other shape.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VIEW_MODULES = sorted(ROOT.glob("*/views.py"))
SERVICE_MODULES = sorted(ROOT.glob("*/services.py"))
# Names that say "a bundle of form data" rather than one value.
BUNDLE_NAMES = {"data", "form", "fields", "cleaned_data", "post", "values", "kwargs"}
# Parameters every service takes without a type: the signed-in user (or None for a command).
UNTYPED_ALLOWED = {"user", "obj"}


def _is_request_attr(node, attr: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == "request"
    )


def _is_post(node) -> bool:
    return _is_request_attr(node, "POST") or _is_request_attr(node, "FILES")


def _service_names(tree) -> tuple[set[str], set[str]]:
    """(modules imported as services, functions imported from a services module)."""
    modules, functions = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            for alias in node.names:
                if alias.name == "services":
                    modules.add(alias.asname or alias.name)
                elif source == "services" or source.endswith(".services"):
                    functions.add(alias.asname or alias.name)
    return modules, functions


def _is_service_call(node, modules: set[str], functions: set[str]) -> bool:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in functions
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in modules
    )


def _is_form_bundle(node) -> bool:
    """A form, its cleaned_data, a dict or request data: what a service must not receive whole."""
    if _is_post(node) or (isinstance(node, ast.Name) and node.id == "request"):
        return True
    if isinstance(node, ast.Attribute) and node.attr == "cleaned_data":
        return True
    if isinstance(node, ast.Name) and (node.id.endswith("form") or node.id in BUNDLE_NAMES):
        return True
    if isinstance(node, ast.Dict):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and (node.func.id.endswith("Form") or node.func.id == "dict")
    )


def view_violations(source: str, filename: str = "<views>") -> list[str]:
    """How a view module hands form data on other than in the one shape (line: reason)."""
    tree = ast.parse(source, filename)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    modules, functions = _service_names(tree)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.BoolOp)
            and isinstance(node.op, ast.Or)
            and _is_post(node.values[0])
        ):
            found.append(f"{node.lineno}: request.{node.values[0].attr} or ... (use posted())")
        elif _is_post(node):
            parent = parents.get(node)
            read = isinstance(parent, ast.Attribute | ast.Subscript) and parent.value is node
            asked = isinstance(parent, ast.Compare) and node in parent.comparators
            if not (read or asked or isinstance(parent, ast.BoolOp)):
                found.append(f"{node.lineno}: request.{node.attr} passed on (use posted())")
        elif isinstance(node, ast.Call) and _is_service_call(node, modules, functions):
            name = ast.unparse(node.func)
            if node.args:
                found.append(f"{node.lineno}: {name}() with positional arguments")
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg is None:
                    if not (isinstance(value, ast.Attribute) and value.attr == "cleaned_data"):
                        found.append(f"{node.lineno}: {name}(**{ast.unparse(value)})")
                elif _is_form_bundle(value):
                    found.append(f"{node.lineno}: {name}({keyword.arg}={ast.unparse(value)})")
    return sorted(found, key=lambda line: int(line.split(":")[0]))


def service_violations(source: str, filename: str = "<services>") -> list[str]:
    """Public services whose signature does not list plain, typed keyword arguments."""
    tree = ast.parse(source, filename)
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        args = node.args
        if args.posonlyargs or args.args:
            found.append(f"{node.lineno}: {node.name} takes positional arguments")
        if args.vararg or args.kwarg:
            found.append(f"{node.lineno}: {node.name} takes */** (list the arguments)")
        for arg in args.kwonlyargs:
            if arg.arg in BUNDLE_NAMES:
                found.append(f"{node.lineno}: {node.name}({arg.arg}=...) takes a bundle")
            elif arg.annotation is None and arg.arg not in UNTYPED_ALLOWED:
                found.append(f"{node.lineno}: {node.name}({arg.arg}) has no type")
            elif arg.annotation is not None and "dict" in ast.unparse(arg.annotation):
                found.append(f"{node.lineno}: {node.name}({arg.arg}) takes dicts")
    return found


@pytest.mark.parametrize("path", VIEW_MODULES, ids=[p.parent.name for p in VIEW_MODULES])
def test_views_hand_form_data_to_services_as_keywords(path):
    assert view_violations(path.read_text(), str(path)) == []


@pytest.mark.parametrize("path", SERVICE_MODULES, ids=[p.parent.name for p in SERVICE_MODULES])
def test_services_list_their_arguments_keyword_only_and_typed(path):
    assert service_violations(path.read_text(), str(path)) == []


def test_every_other_shape_in_a_view_is_caught():
    source = """
from familieschool import services as core_services
from familieschool.forms import posted
from . import services
from .services import contact_create

def contact_update(request, pk):
    form = ContactForm(request.POST or None)
    other = ContactForm(request.POST)
    if "then" in request.POST and request.POST.get("then") == "book":
        services.contact_update(contact, user=request.user, **form.cleaned_data)
    services.contact_update(contact=contact, data=form.cleaned_data)
    core_services.parent_update(parent=parent, form=form, **form.service_kwargs())
    contact_create(user=request.user, data=request.POST)
    data = dict(form.cleaned_data)
    services.activity_create(school=data.pop("school"), **data)
    services.referral_set_status(referral=referral, status=form.cleaned_data["status"])
    form = ContactForm(posted(request))
"""
    assert view_violations(source) == [
        "8: request.POST or ... (use posted())",
        "9: request.POST passed on (use posted())",
        "11: services.contact_update() with positional arguments",
        "12: services.contact_update(data=form.cleaned_data)",
        "13: core_services.parent_update(form=form)",
        "13: core_services.parent_update(**form.service_kwargs())",
        "14: contact_create(data=request.POST)",
        "14: request.POST passed on (use posted())",
        "16: services.activity_create(**data)",
    ]


def test_every_other_shape_of_a_service_signature_is_caught():
    source = """
def _helper(contact, **fields):
    pass

def contact_update(contact, *, user, **fields):
    pass

def referral_create(*, referral, data: dict, user, note: str = ""):
    pass

def provision_update(*, provision: "Provision", user, kind: "ProvisionKind") -> "Provision":
    pass

def attendance_save(*, session: "Session", newcomers: list[dict], user) -> None:
    pass
"""
    assert service_violations(source) == [
        "5: contact_update takes positional arguments",
        "5: contact_update takes */** (list the arguments)",
        "8: referral_create(referral) has no type",
        "8: referral_create(data=...) takes a bundle",
        "14: attendance_save(newcomers) takes dicts",
    ]
