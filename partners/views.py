from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_etags, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from familieschool.access import (
    COORDINATOR,
    PARTNER,
    public,
    role_of,
    role_required,
)
from familieschool.constants import AuditAction, Role
from familieschool.forms import add_service_errors, posted
from familieschool.models import User
from familieschool.services import audit_log_record
from servicepunt import selectors as servicepunt_selectors

from . import selectors, services
from .constants import AGENDA_WEEKS, AppointmentStatus
from .feeds import calendar_etag, calendar_feed_occurrences, spreekuur_calendar
from .forms import AppointmentStatusForm, BookingForm, CancellationForm, WalkInDateForm
from .weeks import monday_of, parse_week, week_label


def _next_url(request, default: str) -> str:
    """Where to go after a form: a local ``next`` or the default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _week_context(request, monday):
    this_week = monday_of(timezone.localdate())
    return {
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "week": week_label(monday),
        "previous_week": week_label(monday - timedelta(days=7)),
        "next_week": week_label(monday + timedelta(days=7)),
        "this_week": week_label(this_week),
        "is_this_week": monday == this_week,
    }


# --- partner staff -----------------------------------------------------------------------


@role_required(PARTNER)
def week(request):
    """The partner's start page: this week's spreekuren across schools, one page per day."""
    monday = parse_week(request.GET.get("week"))
    days = [
        day for day in selectors.partner_week(user=request.user, monday=monday) if day.occurrences
    ]
    # A school's open referrals are the same under each of its spreekuren of the week (a page
    # per day, to print): rendered once per school.
    tables = {}
    for day in days:
        for occurrence in day.occurrences:
            school = occurrence.spreekuur.school_id
            if school not in tables:
                # Without the request: the table needs none of the context processors.
                tables[school] = render_to_string(
                    "partners/_week_referrals.html", {"occurrence": occurrence}
                )
            occurrence.referrals_table = tables[school]
    return render(
        request,
        "partners/spreekuur_week.html",
        {
            **_week_context(request, monday),
            "days": days,
            "status_choices": selectors.status_labels(AppointmentStatus).items(),
            "organisation": request.user.organisation,
        },
    )


@role_required(PARTNER)
def calendar(request):
    """The staff member's secret calendar link, and a button to renew it."""
    if request.method == "POST":
        services.calendar_token_renew(user=request.user)
        messages.success(request, _("Your calendar link was renewed; the old link stops working."))
        return redirect("partners:calendar")
    feed_url = ""
    if request.user.calendar_token:
        feed_url = request.build_absolute_uri(
            reverse("partners:calendar-feed", kwargs={"token": request.user.calendar_token})
        )
    return render(request, "partners/calendar_detail.html", {"feed_url": feed_url})


@public
# Calendar apps may keep the feed but must ask again each time (If-None-Match: usually a 304).
@cache_control(private=True, no_cache=True, max_age=0)
def calendar_feed(request, token):
    """The iCalendar feed behind an unguessable link: no login, no names, no themes."""
    if len(token) > 64:
        raise Http404
    user = User.objects.filter(calendar_token=token, is_active=True, role=Role.PARTNER).first()
    if user is None:
        raise Http404
    found = calendar_feed_occurrences(user=user)
    etag = calendar_etag(found)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = HttpResponse(spreekuur_calendar(found=found), content_type="text/calendar")
    response["ETag"] = etag
    response["Content-Disposition"] = 'inline; filename="spreekuren.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


# --- coordinators ------------------------------------------------------------------------


@role_required(COORDINATOR)
def school_week(request):
    """Who is in school this week: every partner's spreekuren at the coordinator's schools."""
    monday = parse_week(request.GET.get("week"))
    days = selectors.school_week(user=request.user, monday=monday)
    return render(
        request,
        "partners/spreekuur_school_week.html",
        {
            **_week_context(request, monday),
            "days": [day for day in days if day.occurrences],
            "awaiting": selectors.referrals_awaiting_appointment(user=request.user)[:50],
        },
    )


@role_required(COORDINATOR)
def spreekuur_detail(request, pk):
    """One spreekuur at the coordinator's school: the coming dates, cancellations, bookings."""
    spreekuur = selectors.spreekuur_get(user=request.user, pk=pk)
    today = timezone.localdate()
    agenda = selectors.spreekuur_agenda(
        spreekuur=spreekuur, start=today, end=today + timedelta(weeks=AGENDA_WEEKS)
    )
    return render(
        request,
        "partners/spreekuur_detail.html",
        {"spreekuur": spreekuur, "agenda": agenda, "status_choices": AppointmentStatus.choices},
    )


@role_required(COORDINATOR)
def spreekuur_cancel(request, pk):
    """Cancel one date of a spreekuur with a reason."""
    spreekuur = selectors.spreekuur_get(user=request.user, pk=pk)
    form = CancellationForm(posted(request), initial={"date": request.GET.get("date")})
    if request.method == "POST" and form.is_valid():
        try:
            _cancellation, cancelled = services.spreekuur_cancel_date(
                spreekuur=spreekuur,
                day=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The date is cancelled."))
            if cancelled:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)s appointment on this date was cancelled; let the parent know.",
                        "%(count)s appointments on this date were cancelled; let the parents know.",
                        cancelled,
                    )
                    % {"count": cancelled},
                )
            return redirect("partners:spreekuur-detail", pk=spreekuur.pk)
    return render(request, "partners/spreekuur_cancel.html", {"spreekuur": spreekuur, "form": form})


@role_required(COORDINATOR)
@require_POST
def cancellation_restore(request, pk):
    """Undo a cancelled date."""
    cancellation = selectors.cancellation_get(user=request.user, pk=pk)
    spreekuur_id = cancellation.spreekuur_id
    services.spreekuur_restore_date(cancellation=cancellation, user=request.user)
    messages.success(request, _("The date takes place again."))
    return redirect("partners:spreekuur-detail", pk=spreekuur_id)


def _book(request, *, school, partner, themes, contact=None, referral=None, walk_ins=()):
    options = selectors.bookable_slots(partner=partner, school=school)
    submitted = posted(request)
    # One page, two forms: the one whose button was pressed is bound, the other stays as shown
    # (also when what she pressed comes back after a login: familieschool.kept_input).
    walk_in_posted = submitted is not None and "walk_in_on" in submitted
    form = BookingForm(None if walk_in_posted else submitted, options=options, themes=themes)
    walk_in_form = WalkInDateForm(submitted if walk_in_posted else None, occurrences=walk_ins)
    if request.method == "POST" and walk_in_posted and walk_in_form.is_valid():
        try:
            services.referral_walk_in_set(
                referral=referral, day=walk_in_form.cleaned_data["walk_in_on"], user=request.user
            )
        except ValidationError as error:
            add_service_errors(walk_in_form, error, default_field="walk_in_on")
        else:
            messages.success(request, _("The date for the walk-in has been noted."))
            return redirect(
                _next_url(request, reverse("servicepunt:referral-detail", args=[referral.pk]))
            )
    if request.method == "POST" and not walk_in_posted and form.is_valid():
        spreekuur, day, at = form.cleaned_data["slot"]
        try:
            appointment = services.appointment_book(
                user=request.user,
                spreekuur=spreekuur,
                day=day,
                start_time=at,
                contact=contact,
                referral=referral,
                theme=form.cleaned_data["theme"],
            )
        except ValidationError as error:
            add_service_errors(form, error, default_field="slot")
        else:
            messages.success(
                request,
                _("Booked: %(partner)s on %(date)s at %(time)s.")
                % {
                    "partner": partner.name,
                    "date": appointment.date.strftime("%d-%m-%Y"),
                    "time": appointment.start_time.strftime("%H:%M"),
                },
            )
            return redirect(
                _next_url(request, reverse("partners:spreekuur-detail", args=[spreekuur.pk]))
            )
    record = referral or contact
    if request.method == "GET" and record.family_id:
        audit_log_record(
            user=request.user, action=AuditAction.VIEW, obj=record, family=record.family
        )
    return render(
        request,
        "partners/appointment_book.html",
        {
            "form": form,
            "options": options,
            "partner": partner,
            "school": school,
            "contact": contact,
            "referral": referral,
            "walk_ins": walk_ins,
            "walk_in_form": walk_in_form,
            "next": _next_url(request, ""),
        },
    )


@role_required(COORDINATOR)
def book_from_contact(request, contact_id):
    """Book the parent of a walk-in question into the next spreekuur of a partner here."""
    contact = servicepunt_selectors.contact_get(user=request.user, pk=contact_id)
    partners = selectors.bookable_partners(contact.school)
    partner_id = request.GET.get("partner") or ""
    if not partner_id.isdigit():
        return render(
            request,
            "partners/appointment_choose_partner.html",
            {"contact": contact, "partners": partners, "next": _next_url(request, "")},
        )
    partner = selectors.bookable_partner_get(school=contact.school, pk=int(partner_id))
    return _book(
        request,
        school=contact.school,
        partner=partner,
        themes=contact.themes.all(),
        contact=contact,
    )


@role_required(COORDINATOR)
def book_from_referral(request, referral_id):
    """Book the parent of a referral into the next spreekuur of that partner at that school."""
    referral = servicepunt_selectors.referral_get(user=request.user, pk=referral_id)
    if not referral.is_bookable:
        return render(
            request, "partners/appointment_book.html", {"referral": referral, "closed": True}
        )
    return _book(
        request,
        school=referral.school,
        partner=referral.partner,
        themes=referral.themes.all(),
        referral=referral,
        walk_ins=selectors.walk_in_occurrences(partner=referral.partner, school=referral.school),
    )


# --- both --------------------------------------------------------------------------------


@role_required(COORDINATOR, PARTNER)
def appointment_status(request, pk):
    """Record whether the parent came, or cancel the appointment."""
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    if role_of(request.user) == PARTNER:
        default = reverse("partners:week") + f"?week={week_label(monday_of(appointment.date))}"
    else:
        default = reverse("partners:spreekuur-detail", args=[appointment.spreekuur_id])
    form = AppointmentStatusForm(posted(request), initial={"status": appointment.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_set_status(
                appointment=appointment, status=form.cleaned_data["status"], user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error, default_field="status")
        else:
            messages.success(request, _("The status of the appointment was saved."))
            return redirect(_next_url(request, default))
    if request.method == "GET" and appointment.family_id:
        audit_log_record(
            user=request.user, action=AuditAction.VIEW, obj=appointment, family=appointment.family
        )
    if role_of(request.user) == PARTNER:
        row = selectors.partner_appointment_row(appointment, request.user.organisation)
        label = row.label
    else:
        label = appointment.parent.display_name if appointment.parent else ""
    return render(
        request,
        "partners/appointment_status.html",
        {
            "appointment": appointment,
            "label": label,
            "form": form,
            "back": _next_url(request, default),
        },
    )
