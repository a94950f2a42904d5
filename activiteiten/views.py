from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from familieschool.access import COORDINATOR, public, record_schools_for, role_required
from familieschool.constants import AuditAction, ChildGroup
from familieschool.forms import add_service_errors, posted
from familieschool.models import School
from familieschool.schoolyear import SchoolYear
from familieschool.selectors import child_get, parent_get
from familieschool.services import audit_log_record

from . import selectors, services
from .constants import EnrolmentStatus
from .filters import ActivityFilter
from .forms import (
    ActiveRoleForm,
    ActivityForm,
    ActivityFundingFormSet,
    AttendanceForm,
    EnrolForm,
    EnrolmentUpdateForm,
    FundingBudgetForm,
    NewcomerFormSet,
    SessionForm,
    SessionUpdateForm,
)
from .models import Activity
from .pictograms import PUBLIC_LANGUAGES, qr_svg

# The calendar of an activity shows what lies this far ahead.
LOOK_AHEAD = timedelta(weeks=4)
# The name of the attendance page's search button (the page without JavaScript).
SEARCH_BUTTON = "search"


def _activity(request, pk):
    return selectors.activity_get(user=request.user, pk=pk)


# --- activities ----------------------------------------------------------------------------


@role_required(COORDINATOR)
def activity_list(request):
    """The activities of the coordinator's schools."""
    schools = record_schools_for(request.user)
    activity_filter = ActivityFilter(
        request.GET or {"current": "true"},
        queryset=selectors.activities_for(request.user).order_by("school__name", "title"),
        schools=schools,
    )
    return render(
        request,
        "activiteiten/activity_list.html",
        {"filter": activity_filter, "activities": activity_filter.qs},
    )


def _funding_formset(request, activity=None):
    return ActivityFundingFormSet(
        posted(request), instance=activity or Activity(), prefix="financiers"
    )


@role_required(COORDINATOR)
def activity_create(request):
    """A new activity at one of the coordinator's schools, with its funding sources."""
    schools = record_schools_for(request.user)
    form = ActivityForm(
        posted(request),
        schools=schools,
        initial={"valid_from": timezone.localdate(), "school": schools.first()},
    )
    fundings = _funding_formset(request)
    if request.method == "POST" and form.is_valid() and fundings.is_valid():
        try:
            activity = services.activity_create(
                user=request.user, fundings=fundings.fundings(), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity has been added."))
            return redirect("activiteiten:activity-detail", pk=activity.pk)
    return render(request, "activiteiten/activity_form.html", {"form": form, "fundings": fundings})


@role_required(COORDINATOR)
def activity_update(request, pk):
    """Change an activity and its funding sources."""
    activity = _activity(request, pk)
    schools = record_schools_for(request.user)
    form = ActivityForm(posted(request), instance=activity, schools=schools)
    fundings = _funding_formset(request, activity)
    if request.method == "POST" and form.is_valid() and fundings.is_valid():
        try:
            services.activity_update(
                activity=activity,
                user=request.user,
                fundings=fundings.fundings(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity has been saved."))
            return redirect("activiteiten:activity-detail", pk=activity.pk)
    return render(
        request,
        "activiteiten/activity_form.html",
        {"form": form, "fundings": fundings, "activity": activity},
    )


@role_required(COORDINATOR)
def activity_detail(request, pk):
    """An activity with its dates this school year: sessions held and the ones to come."""
    activity = _activity(request, pk)
    today = timezone.localdate()
    try:
        year = SchoolYear.parse(request.GET.get("jaar", ""))
    except ValueError:
        year = SchoolYear.of(today)
    end = min(year.end, today + LOOK_AHEAD) if today in year else year.end
    rows = selectors.activity_calendar(activity, year.start, end)
    upcoming = [row for row in rows if row.day >= today]
    past = [row for row in reversed(rows) if row.day < today]
    # Attendance is mostly registered today, or just after or before: those dates first.
    open_upcoming = [row for row in upcoming if not row.closed and row.day > today]
    open_past = [row for row in past if not row.closed]
    return render(
        request,
        "activiteiten/activity_detail.html",
        {
            "activity": activity,
            "today": today,
            "today_row": next((row for row in rows if row.day == today), None),
            "next_row": open_upcoming[0] if open_upcoming else None,
            "last_row": open_past[0] if open_past else None,
            "upcoming": upcoming,
            "past": past,
            "year": year,
            "previous_year": year.previous(),
            "next_year": SchoolYear(year.start_year + 1) if today not in year else None,
        },
    )


# --- budgets -------------------------------------------------------------------------------


@role_required(COORDINATOR)
def budget_list(request):
    """The budgets of the coordinator's schools per funding source and school year."""
    budgets = selectors.funding_budgets_for(request.user).order_by(
        "-school_year", "school__name", "source__name", "activity__title"
    )
    return render(request, "activiteiten/fundingbudget_list.html", {"budgets": budgets})


def _budget_form(request, budget=None):
    return FundingBudgetForm(
        posted(request),
        instance=budget,
        schools=record_schools_for(request.user),
        activities=selectors.activities_for(request.user).order_by("school__name", "title"),
    )


def _budget_save(request, form, budget=None):
    try:
        services.funding_budget_save(budget=budget, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error, default_field="amount")
        return False
    messages.success(request, _("The budget has been saved."))
    return True


@role_required(COORDINATOR)
def budget_create(request):
    """A budget of a funding source for one of the coordinator's schools and a school year."""
    form = _budget_form(request)
    if request.method == "POST" and form.is_valid() and _budget_save(request, form):
        return redirect("activiteiten:budget-list")
    return render(request, "activiteiten/fundingbudget_form.html", {"form": form})


@role_required(COORDINATOR)
def budget_update(request, pk):
    """Change or remove a budget of one of the coordinator's schools."""
    budget = selectors.funding_budget_get(user=request.user, pk=pk)
    form = _budget_form(request, budget)
    if request.method == "POST" and form.is_valid() and _budget_save(request, form, budget):
        return redirect("activiteiten:budget-list")
    return render(request, "activiteiten/fundingbudget_form.html", {"form": form, "budget": budget})


@require_POST
@role_required(COORDINATOR)
def budget_delete(request, pk):
    """Remove a budget of one of the coordinator's schools."""
    budget = selectors.funding_budget_get(user=request.user, pk=pk)
    services.funding_budget_delete(budget=budget)
    messages.success(request, _("The budget has been removed."))
    return redirect("activiteiten:budget-list")


# --- sessions ------------------------------------------------------------------------------


@role_required(COORDINATOR)
def session_create(request, pk):
    """A session by hand, also on a date outside the schedule."""
    activity = _activity(request, pk)
    form = SessionForm(posted(request), initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                activity=activity,
                day=form.cleaned_data["date"],
                topic=form.cleaned_data["topic"],
                partner_present=form.cleaned_data["partner_present"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("activiteiten:attendance", pk=activity.pk, day=session.date.isoformat())
    return render(request, "activiteiten/session_form.html", {"form": form, "activity": activity})


@role_required(COORDINATOR)
def session_update(request, pk):
    """Change a session's topic or partner, or cancel it."""
    session = selectors.session_get(user=request.user, pk=pk)
    form = SessionUpdateForm(posted(request), instance=session)
    if request.method == "POST" and form.is_valid():
        services.session_update(session=session, **form.cleaned_data)
        messages.success(request, _("The session has been saved."))
        return redirect("activiteiten:activity-detail", pk=session.activity_id)
    return render(
        request,
        "activiteiten/session_form.html",
        {"form": form, "activity": session.activity, "session": session},
    )


@role_required(COORDINATOR)
def attendance(request, pk, day):
    """Register who came, on a tablet: tick, count, save, in one request.

    Without JavaScript the search box is part of this form, with its own submit button
    (``search``): it posts the whole page, which comes back with everything entered and the
    matches as cards, and saves nothing. The term travels only in the POST body, never in a URL.
    """
    activity = _activity(request, pk)
    school = activity.school
    # A POST, or on the first page after a login her ended session made necessary, what she
    # had posted here (familieschool.kept_input): shown bound, saved only when she presses save.
    submitted = posted(request)
    if submitted is not None:
        form = AttendanceForm(submitted)
        # Only a parents' activity renders the new-family rows (and their management form).
        newcomers = (
            NewcomerFormSet(submitted, prefix="new", school=school)
            if activity.for_parents
            else None
        )
        searching = SEARCH_BUTTON in submitted
        saving = request.method == "POST" and not searching
        if saving and form.is_valid() and (newcomers is None or newcomers.is_valid()):
            data = form.cleaned_data
            try:
                result = services.attendance_save(
                    activity=activity,
                    day=day,
                    topic=data["topic"],
                    partner_present=data["partner_present"],
                    parent_ids=data["parent"],
                    child_ids=data["child"],
                    first_time_ids=data["first_time"],
                    anonymous_count=data["anonymous_count"],
                    newcomers=newcomers.newcomers() if newcomers else [],
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Attendance saved: %(parents)s parents, %(children)s children, "
                        "%(anonymous)s not registered, %(first)s for the first time."
                    )
                    % {
                        "parents": result.parents,
                        "children": result.children,
                        "anonymous": result.anonymous,
                        "first": result.first_time,
                    },
                )
                return redirect("activiteiten:activity-detail", pk=activity.pk)
        sheet = selectors.attendance_sheet(
            activity,
            day,
            checked_parents=_ids(submitted.getlist("parent")),
            checked_children=_ids(submitted.getlist("child")),
            first_time=_ids(submitted.getlist("first_time")),
            search_term=submitted.get("q", "") if searching else None,
        )
    else:
        sheet = selectors.attendance_sheet(activity, day)
        session = sheet.session
        form = AttendanceForm(
            initial={
                "topic": session.topic if session else "",
                "partner_present": session.partner_present_id if session else None,
                "anonymous_count": sheet.anonymous_count,
            }
        )
        newcomers = NewcomerFormSet(prefix="new", school=school) if activity.for_parents else None
    return render(
        request,
        "activiteiten/attendance_form.html",
        {
            "activity": activity,
            "sheet": sheet,
            "form": form,
            "newcomers": newcomers,
            "search_button": SEARCH_BUTTON,
        },
    )


@role_required(COORDINATOR)
@require_POST
def attendance_search(request, pk, day):
    """The attendance page's search: the matching parents of the school as the page's cards."""
    activity = _activity(request, pk)
    # The term comes by POST, so that a name never appears in a URL or a log.
    rows = selectors.attendance_candidates(activity, day, term=request.POST.get("q", ""))
    return render(request, "activiteiten/_people.html", {"rows": rows, "field": "parent"})


def _ids(values) -> set[int]:
    return {int(value) for value in values if str(value).isdigit()}


# --- enrolment -----------------------------------------------------------------------------


@role_required(COORDINATOR)
def enrolment_list(request, pk):
    """Who is enrolled and who waits; the coordinator enrols on a parent's behalf."""
    activity = _activity(request, pk)
    group = request.GET.get("groep", "")
    # A name or family code is searched by POST, so that it never appears in a URL or a log.
    searching = request.method == "POST" and "zoek" in request.POST
    term = request.POST.get("zoek", "") if searching else ""
    form = EnrolForm(None if searching else posted(request))
    if request.method == "POST" and not searching and form.is_valid():
        child = parent = None
        if form.cleaned_data["child"]:
            child = child_get(user=request.user, pk=form.cleaned_data["child"])
        else:
            parent = parent_get(user=request.user, pk=form.cleaned_data["parent"])
        try:
            enrolment = services.enrolment_create(
                activity=activity,
                child=child,
                parent=parent,
                free_of_charge=form.cleaned_data["free_of_charge"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = str(child.first_name or child) if child else parent.display_name
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(request, _("%(name)s is enrolled.") % {"name": name})
            else:
                messages.info(request, _("%(name)s is on the waiting list.") % {"name": name})
        return redirect(request.get_full_path())
    lists = selectors.enrolment_lists(activity, group=group)
    children, parents = selectors.enrolment_candidates(activity, group=group, term=term)
    return render(
        request,
        "activiteiten/enrolment_list.html",
        {
            "activity": activity,
            "lists": lists,
            "candidates_children": children,
            "candidates_parents": parents,
            "group": group,
            "term": term,
            "groups": _group_choices(activity),
            "form": form,
        },
    )


def _group_choices(activity):
    allowed = activity.groups or [value for value in ChildGroup.values if value != "other"]
    return [(value, label) for value, label in ChildGroup.choices if value in allowed]


def _enrolment(request, pk):
    return selectors.enrolment_get(user=request.user, pk=pk)


@role_required(COORDINATOR)
def enrolment_update(request, pk):
    """One enrolment: whether the child or parent takes part for free (never in a list)."""
    enrolment = _enrolment(request, pk)
    person = enrolment.child or enrolment.parent
    if request.method == "GET":
        audit_log_record(
            user=request.user, action=AuditAction.VIEW, obj=enrolment, family=person.family
        )
    form = EnrolmentUpdateForm(
        posted(request), initial={"free_of_charge": enrolment.free_of_charge}
    )
    if request.method == "POST" and form.is_valid():
        services.enrolment_update(
            enrolment=enrolment,
            free_of_charge=form.cleaned_data["free_of_charge"],
            user=request.user,
        )
        messages.success(request, _("The enrolment has been saved."))
        return redirect("activiteiten:enrolment-list", pk=enrolment.activity_id)
    return render(
        request, "activiteiten/enrolment_form.html", {"form": form, "enrolment": enrolment}
    )


@require_POST
@role_required(COORDINATOR)
def enrolment_withdraw(request, pk):
    """Withdraw an enrolment; the next one on the waiting list moves up."""
    enrolment = _enrolment(request, pk)
    moved = services.enrolment_withdraw(enrolment=enrolment, user=request.user)
    messages.success(request, _("The enrolment has been withdrawn."))
    for other in moved:
        name = (
            (other.child.first_name or str(other.child))
            if other.child_id
            else (other.parent.display_name)
        )
        messages.info(request, _("%(name)s moved up from the waiting list.") % {"name": name})
    return redirect("activiteiten:enrolment-list", pk=enrolment.activity_id)


# --- active parent roles -------------------------------------------------------------------


@role_required(COORDINATOR)
def role_home(request):
    """The parent roles page of the coordinator's first school."""
    school = record_schools_for(request.user).order_by("name").first()
    if school is None:
        raise Http404
    return redirect("activiteiten:role-list", school=school.slug)


@role_required(COORDINATOR)
def role_list(request, school):
    """Active parents of one school in a school year: add and remove."""
    school = selectors.user_school(request.user, school)
    try:
        year = SchoolYear.parse(request.GET.get("jaar", ""))
    except ValueError:
        year = SchoolYear.current()
    form = ActiveRoleForm(
        posted(request),
        parents=selectors.school_parents(school),
        initial={"school_year": year.label},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.active_role_add(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The role has been added."))
            url = reverse("activiteiten:role-list", kwargs={"school": school.slug})
            return redirect(f"{url}?jaar={form.cleaned_data['school_year']}")
    return render(
        request,
        "activiteiten/role_list.html",
        {
            "school": school,
            "schools": record_schools_for(request.user).order_by("name"),
            "roles": selectors.active_roles(school, year.label),
            "year": year,
            "years": [year.previous(), year, SchoolYear(year.start_year + 1)],
            "form": form,
        },
    )


@require_POST
@role_required(COORDINATOR)
def role_delete(request, pk):
    """Remove an active parent role."""
    active_role = selectors.active_role_get(user=request.user, pk=pk)
    school, year = active_role.parent.family.school, active_role.school_year
    services.active_role_remove(active_role=active_role, user=request.user)
    messages.success(request, _("The role has been removed."))
    url = reverse("activiteiten:role-list", kwargs={"school": school.slug})
    return redirect(f"{url}?jaar={year}")


# --- public page ---------------------------------------------------------------------------


def _public_context(request, slug):
    school = School.objects.filter(slug=slug).first()
    if school is None:
        raise Http404
    # An explicit choice wins; otherwise the parent's browser language, if we offer it.
    language = request.GET.get("taal") or translation.get_language_from_request(request)
    if language not in PUBLIC_LANGUAGES:
        language = settings.LANGUAGE_CODE
    return school, language


def _public_url(school) -> str:
    """The address in the poster's QR code: without a language, so that the page opens in the
    language of the phone that scans it (see ``_public_context``)."""
    path = reverse("activiteiten:public-school", kwargs={"slug": school.slug})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


@public
def public_school(request, slug):
    """A school's activities and spreekuren in the coming weeks, for parents, in their language."""
    school, language = _public_context(request, slug)
    with translation.override(language):
        schedule = selectors.public_schedule(school, language, timezone.localdate())
        response = render(
            request,
            "activiteiten/public_school.html",
            {
                "schedule": schedule,
                "language": language,
                "languages": PUBLIC_LANGUAGES,
                "today": timezone.localdate(),
            },
        )
    response["Content-Language"] = language
    return response


@public
def public_poster(request, slug):
    """A printable A4 poster with a QR code that leads to the public page."""
    school, language = _public_context(request, slug)
    url = _public_url(school)
    with translation.override(language):
        schedule = selectors.public_schedule(school, language, timezone.localdate())
        response = render(
            request,
            "activiteiten/public_poster.html",
            {
                "schedule": schedule,
                "language": language,
                "languages": PUBLIC_LANGUAGES,
                "url": url,
                "qr": qr_svg(url),
            },
        )
    response["Content-Language"] = language
    return response
