import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from familieschool import services as core_services
from familieschool.access import (
    COORDINATOR,
    PARTNER,
    organisation_for,
    record_schools_for,
    role_required,
)
from familieschool.constants import AuditAction
from familieschool.exports import csv_bytes
from familieschool.forms import add_service_errors, posted, posted_files
from familieschool.models import Parent
from familieschool.selectors import family_code_suggest
from familieschool.services import audit_log_record
from familieschool.tabular import ImportFailed
from familieschool.timeline import TimelineCursor, family_timeline

from . import selectors, services
from .constants import IMPORT_COLUMNS, Outcome
from .filters import ContactFilter
from .forms import (
    DATETIME_LOCAL,
    ChildForm,
    ContactForm,
    FamilyForm,
    FamilyMergeForm,
    ImportUploadForm,
    ParentForm,
    ProvisionForm,
    ReferralForm,
    ReferralStatusForm,
    WalkInForm,
)
from .imports import contacts_import
from .models import Provision
from .pagination import AFTER, BEFORE, NUMBER, CappedPaginator, rows_of_page, seek_page

PAGE_SIZE = 25
# The walk-in page lists this many of the day's newest contacts.
TODAY_SHOWN = 25
SCHOOL_SESSION_KEY = "servicepunt_school"
IMPORT_SESSION_KEY = "servicepunt_import"


def _page(request, queryset):
    return CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- walk-in ---------------------------------------------------------------------------


@role_required(COORDINATOR, PARTNER)
def walkin(request):
    """Register a question in a few key presses: a coordinator's start page, and for partner
    staff the screen to log what they answered at the inloop of a school they serve."""
    partner = organisation_for(request.user)
    if partner is not None:
        schools = list(selectors.partner_walkin_schools(request.user).order_by("name"))
    else:
        schools = list(record_schools_for(request.user).order_by("name"))
    if not schools:
        return render(request, "servicepunt/walkin.html", {"schools": [], "partner": partner})
    form_kwargs = {"user": request.user, "schools": schools, "partner_mode": partner is not None}
    submitted = posted(request)
    if submitted is not None:
        form = WalkInForm(submitted, **form_kwargs)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                contact = services.contact_create(
                    user=request.user,
                    answered_by_partner=partner,
                    school=data["school"],
                    themes=data["themes"],
                    occurred_at=data["occurred_at"],
                    channel=data["channel"],
                    family=data["family"],
                    parent=data["parent"],
                    child=data["child"],
                    new_family_code=data["new_family_code"],
                    new_parent_first_name=data["new_parent_first_name"],
                    new_child_first_name=data["new_child_first_name"],
                    new_child_group=data["new_child_group"],
                    language=data["language"],
                    interpreter=data["interpreter"],
                    note=data["note"],
                    outcome=data["outcome"],
                    follow_up_on=data["follow_up_on"],
                    source=data["source"],
                    provision_kind=data["provision_kind"],
                    provision_status=data["provision_status"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session[SCHOOL_SESSION_KEY] = contact.school_id
                messages.success(request, _("The contact has been saved."))
                if contact.outcome == Outcome.REFERRED:
                    return redirect("servicepunt:referral-create", pk=contact.pk)
                return redirect("servicepunt:walkin")
    else:
        by_id = {school.pk: school for school in schools}
        school = by_id.get(request.session.get(SCHOOL_SESSION_KEY)) or schools[0]
        initial = {
            "school": school.pk,
            "occurred_at": timezone.localtime().strftime(DATETIME_LOCAL),
        }
        family_id = request.GET.get("family", "")
        if family_id.isdigit() and partner is None:
            initial.update(who=WalkInForm.KNOWN, family=int(family_id))
        form = WalkInForm(initial=initial, **form_kwargs)
        if form.family_obj is not None:
            form.initial["family_term"] = form.family_obj.code
            form.initial["school"] = form.family_obj.school_id
    # One suggested code per school; the page swaps it when she picks another school.
    code_suggestions = {}
    if partner is None:
        code_suggestions = {school.pk: family_code_suggest(school=school) for school in schools}
        if not form.is_bound:
            form.initial["new_family_code"] = code_suggestions[form.initial["school"]]
        today = selectors.contacts_of_today(user=request.user, schools=schools)
    else:
        today = selectors.partner_contacts_of_today(user=request.user)
    # The newest of the day, and how many there were: the rest is one click away in the
    # contact list (for coordinators), so a busy day does not make the start page heavier.
    today_rows, today_total = selectors.newest_with_total(today, TODAY_SHOWN)
    day = timezone.localdate().isoformat()
    return render(
        request,
        "servicepunt/walkin.html",
        {
            "form": form,
            "schools": schools,
            "today_contacts": selectors.contact_labels(today_rows),
            "today_total": today_total,
            "today_list": reverse("servicepunt:contact-list")
            + "?"
            + urlencode({"date_from": day, "date_to": day}),
            "code_suggestions": code_suggestions,
            "partner": partner,
        },
    )


@role_required(COORDINATOR)
@require_POST
def family_search(request):
    """Type-ahead for the walk-in screen; POST so that names never appear in a URL."""
    school = None
    school_id = request.POST.get("school", "")
    if school_id.isdigit():
        school = record_schools_for(request.user).filter(pk=school_id).first()
    families = selectors.family_lookup(
        user=request.user, term=request.POST.get("q", ""), school=school
    )
    results = [
        {
            "id": family.pk,
            "code": family.code,
            "school": family.school.name,
            "parents": [{"id": p.pk, "name": p.display_name} for p in family.parents.all()],
            "children": [{"id": c.pk, "name": str(c)} for c in family.children.all()],
        }
        for family in families
    ]
    return JsonResponse({"results": results})


@role_required(COORDINATOR)
@require_POST
def family_codes(request):
    """Type-ahead for the contact list's family filter: codes only, no names, so not audited."""
    families = selectors.family_code_lookup(user=request.user, term=request.POST.get("q", ""))
    results = [{"code": family.code, "school": family.school.name} for family in families]
    return JsonResponse({"results": results})


# --- contacts --------------------------------------------------------------------------


@role_required(COORDINATOR)
def contact_list(request):
    """All contacts of the coordinator's schools, filtered and paginated."""
    contacts = selectors.contact_list_for_user(request.user)
    filterset = ContactFilter(request.GET or None, queryset=contacts, user=request.user)
    # Paged by the sort key, not by OFFSET: a page deep in five years costs what page 1 costs.
    # The page's ids first, on the contact table and its index alone; then its 25 rows.
    page = rows_of_page(
        seek_page(
            request.GET,
            filterset.qs,
            anchors=contacts,
            size=PAGE_SIZE,
            counted=filterset.qs_to_count,
        ),
        selectors.contact_list_rows(request.user).in_bulk,
    )
    query = request.GET.copy()
    for name in (NUMBER, AFTER, BEFORE):
        query.pop(name, None)
    return render(
        request,
        "servicepunt/contact_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


def _audit_view(request, contact) -> None:
    """Every page that shows a contact records who opened it, as the detail page does."""
    audit_log_record(user=request.user, action=AuditAction.VIEW, obj=contact, family=contact.family)


@role_required(COORDINATOR)
def contact_detail(request, pk):
    contact = selectors.contact_get(user=request.user, pk=pk)
    _audit_view(request, contact)
    return render(request, "servicepunt/contact_detail.html", {"contact": contact})


@role_required(COORDINATOR)
def contact_update(request, pk):
    contact = selectors.contact_get(user=request.user, pk=pk)
    form = ContactForm(posted(request), instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact has been changed."))
            return redirect("servicepunt:contact-detail", pk=contact.pk)
    if request.method == "GET":
        _audit_view(request, contact)
    return render(request, "servicepunt/contact_form.html", {"form": form, "contact": contact})


@role_required(COORDINATOR)
def family_detail(request, pk):
    """The family page: who they are and the newest part of what happened; older entries are
    one link away (``family_timeline_older``), so the page does not grow with the years."""
    family = selectors.family_get(user=request.user, pk=pk)
    audit_log_record(user=request.user, action=AuditAction.VIEW, obj=family)
    provision_form = ProvisionForm(family=family, auto_id="provision_%s")
    return render(
        request,
        "servicepunt/family_detail.html",
        {
            "family": family,
            "timeline": family_timeline(family),
            "child_form": ChildForm(auto_id="child_%s"),
            "provision_form": provision_form,
            # The kinds in one query (a form field's choices count them first, then read them).
            "provision_kinds": list(provision_form.fields["kind"].queryset),
        },
    )


@role_required(COORDINATOR)
def family_timeline_older(request, pk):
    """A family's older timeline entries, a page at a time from the entry in ``?voor=``."""
    family = selectors.family_get(user=request.user, pk=pk, members=False)
    before = TimelineCursor.parse(request.GET.get(BEFORE))
    if before is None:
        return _family_page(family)
    audit_log_record(user=request.user, action=AuditAction.VIEW, obj=family)
    return render(
        request,
        "servicepunt/family_timeline.html",
        {"family": family, "timeline": family_timeline(family, before=before)},
    )


def _family_page(family):
    return redirect("servicepunt:family-detail", pk=family.pk)


def _record_form(request, form, *, family, title, **context):
    return render(
        request,
        "servicepunt/record_form.html",
        {"form": form, "family": family, "title": title, **context},
    )


@role_required(COORDINATOR)
def family_update(request, pk):
    """Change a family's code, languages and interpreter."""
    family = selectors.family_get(user=request.user, pk=pk)
    form = FamilyForm(posted(request), instance=family)
    if request.method == "POST" and form.is_valid():
        try:
            core_services.family_update(family=family, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="code")
        else:
            messages.success(request, _("The family has been changed."))
            return _family_page(family)
    if request.method == "GET":
        audit_log_record(user=request.user, action=AuditAction.VIEW, obj=family)
    return _record_form(request, form, family=family, title=_("Edit family"))


@role_required(COORDINATOR)
def family_merge(request, pk):
    """Merge another record of the same family into this one."""
    family = selectors.family_get(user=request.user, pk=pk)
    form = FamilyMergeForm(posted(request), family=family, user=request.user)
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        code = other.code
        try:
            core_services.family_merge(source=other, target=family, user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="other")
        else:
            messages.success(
                request,
                _("Family %(other)s has been merged into %(family)s.")
                % {"other": code, "family": family.code},
            )
            return _family_page(family)
    if request.method == "GET":
        audit_log_record(user=request.user, action=AuditAction.VIEW, obj=family)
    return _record_form(
        request,
        form,
        family=family,
        title=_("Merge two records of this family"),
        submit=_("Merge"),
    )


@role_required(COORDINATOR)
def parent_create(request, pk):
    family = selectors.family_get(user=request.user, pk=pk)
    form = ParentForm(posted(request), instance=Parent(family=family))
    if request.method == "POST" and form.is_valid():
        try:
            core_services.parent_create(family=family, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The parent has been added."))
            return _family_page(family)
    if request.method == "GET":
        audit_log_record(user=request.user, action=AuditAction.VIEW, obj=family)
    return _record_form(request, form, family=family, title=_("Add a parent"))


@role_required(COORDINATOR)
def parent_update(request, pk):
    parent = selectors.parent_get(user=request.user, pk=pk)
    form = ParentForm(posted(request), instance=parent)
    if request.method == "POST" and form.is_valid():
        try:
            core_services.parent_update(parent=parent, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The parent has been changed."))
            return _family_page(parent.family)
    if request.method == "GET":
        audit_log_record(
            user=request.user, action=AuditAction.VIEW, obj=parent, family=parent.family
        )
    return _record_form(
        request,
        form,
        family=parent.family,
        title=_("Edit parent"),
        delete_url=reverse("servicepunt:parent-delete", args=[parent.pk]),
    )


@role_required(COORDINATOR)
@require_POST
def parent_delete(request, pk):
    parent = selectors.parent_get(user=request.user, pk=pk)
    try:
        core_services.parent_delete(parent=parent, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The parent has been removed."))
    return _family_page(parent.family)


@role_required(COORDINATOR)
def child_create(request, pk):
    family = selectors.family_get(user=request.user, pk=pk)
    form = ChildForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            core_services.child_create(family=family, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The child has been added."))
            return _family_page(family)
    if request.method == "GET":
        audit_log_record(user=request.user, action=AuditAction.VIEW, obj=family)
    return _record_form(request, form, family=family, title=_("Add a child"))


@role_required(COORDINATOR)
def child_update(request, pk):
    child = selectors.child_get(user=request.user, pk=pk)
    initial = {
        "first_name": child.first_name,
        "group": child.current_group,
        "birth_year": child.birth_year,
    }
    form = ChildForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            core_services.child_update(child=child, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The child has been changed."))
            return _family_page(child.family)
    if request.method == "GET":
        audit_log_record(user=request.user, action=AuditAction.VIEW, obj=child, family=child.family)
    return _record_form(
        request,
        form,
        family=child.family,
        title=_("Edit child"),
        delete_url=reverse("servicepunt:child-delete", args=[child.pk]),
    )


@role_required(COORDINATOR)
@require_POST
def child_delete(request, pk):
    child = selectors.child_get(user=request.user, pk=pk)
    try:
        core_services.child_delete(child=child, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The child has been removed."))
    return _family_page(child.family)


@role_required(COORDINATOR)
def provision_create(request, pk):
    """Register material aid or a fund application from the family page."""
    family = selectors.family_get(user=request.user, pk=pk)
    form = ProvisionForm(posted(request), instance=Provision(family=family), family=family)
    if request.method == "POST" and form.is_valid():
        try:
            services.provision_create(family=family, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The provision has been registered."))
            return _family_page(family)
    if request.method == "GET":
        audit_log_record(user=request.user, action=AuditAction.VIEW, obj=family)
    return _record_form(request, form, family=family, title=_("Register a provision"))


@role_required(COORDINATOR)
def provision_update(request, pk):
    provision = selectors.provision_get(user=request.user, pk=pk)
    form = ProvisionForm(posted(request), instance=provision, family=provision.family)
    if request.method == "POST" and form.is_valid():
        try:
            services.provision_update(provision=provision, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The provision has been changed."))
            return _family_page(provision.family)
    if request.method == "GET":
        audit_log_record(
            user=request.user, action=AuditAction.VIEW, obj=provision, family=provision.family
        )
    return _record_form(request, form, family=provision.family, title=_("Edit provision"))


# --- referrals (coordinator) -----------------------------------------------------------


@role_required(COORDINATOR)
def referral_create(request, pk):
    contact = selectors.contact_get(user=request.user, pk=pk)
    form = ReferralForm(posted(request), contact=contact)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                contact=contact,
                user=request.user,
                partner=data["partner"],
                themes=data["themes"],
                parent=data.get("parent"),
                consent_given_by=data["consent_given_by"],
                consent_method=data["consent_method"],
                consent_date=data["consent_date"],
                share_contact_details=data["share_contact_details"],
                warm_handover=data["warm_handover"],
                follow_up_on=data["follow_up_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The referral to %(partner)s has been registered.")
                % {"partner": referral.partner.name},
            )
            detail = reverse("servicepunt:referral-detail", args=[referral.pk])
            if request.POST.get("then") == "book":
                book = reverse("partners:book-from-referral", args=[referral.pk])
                return redirect(f"{book}?{urlencode({'next': detail})}")
            return redirect(detail)
    if request.method == "GET":
        _audit_view(request, contact)
    return render(request, "servicepunt/referral_form.html", {"form": form, "contact": contact})


@role_required(COORDINATOR)
def referral_list(request):
    """Open referrals of the coordinator's schools; overdue follow-ups first and marked."""
    show_all = request.GET.get("status") == "all"
    if show_all:
        referrals = selectors.referrals_for_coordinator(request.user).order_by("-created_at", "-id")
    else:
        referrals = selectors.open_referrals_for_coordinator(request.user)
    # The page's ids first, sorted on the referral table alone; then its 25 rows with their
    # school, family, partner and themes (joining all open referrals to sort them cost 20 ms).
    page = rows_of_page(
        _page(request, referrals.values_list("pk", flat=True)),
        selectors.referral_list_rows(request.user).in_bulk,
    )
    since = selectors.partner_updates_since(user=request.user)
    updates = list(selectors.partner_updates(user=request.user, since=since)[:PAGE_SIZE])
    return render(
        request,
        "servicepunt/referral_list.html",
        {
            "page": page,
            "show_all": show_all,
            "updates": updates,
            "updates_since": since,
        },
    )


@role_required(COORDINATOR)
@require_POST
def partner_updates_seen(request):
    """She has read the partners' updates: up to the newest one shown, so none is skipped."""
    until = parse_datetime(request.POST.get("until", ""))
    if until is not None:
        services.partner_updates_mark_seen(user=request.user, at=min(until, timezone.now()))
    return redirect("servicepunt:referral-list")


@role_required(COORDINATOR)
def referral_detail(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    audit_log_record(
        user=request.user, action=AuditAction.VIEW, obj=referral, family=referral.family
    )
    form = ReferralStatusForm(referral=referral)
    return render(
        request,
        "servicepunt/referral_detail.html",
        {"referral": referral, "form": form, "today": timezone.localdate()},
    )


def _status_saved(request, referral, form) -> bool:
    """Save a posted status change through the service; errors land on the form."""
    if not form.is_valid():
        return False
    try:
        services.referral_set_status(
            referral=referral,
            status=form.cleaned_data["status"],
            outcome_note=form.cleaned_data["outcome_note"],
            user=request.user,
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, _("The status has been saved."))
    return True


@role_required(COORDINATOR)
@require_POST
def referral_status(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    form = ReferralStatusForm(posted(request), referral=referral)
    if _status_saved(request, referral, form):
        return redirect("servicepunt:referral-detail", pk=referral.pk)
    return render(
        request,
        "servicepunt/referral_detail.html",
        {"referral": referral, "form": form, "today": timezone.localdate()},
        status=400,
    )


@role_required(COORDINATOR)
@require_POST
def referral_withdraw(request, pk):
    """The parent withdrew consent: the partner no longer sees the referral."""
    referral = selectors.referral_get(user=request.user, pk=pk)
    try:
        services.referral_withdraw_consent(referral=referral, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Consent withdrawn: the partner can no longer see this referral.")
        )
    return redirect("servicepunt:referral-detail", pk=referral.pk)


# --- referrals (partner) ---------------------------------------------------------------


@role_required(PARTNER)
def partner_referral_list(request):
    """Referrals addressed to the partner's organisation, at every school."""
    page = _page(request, selectors.partner_referrals(request.user))
    return render(request, "servicepunt/partner_referral_list.html", {"page": page})


@role_required(PARTNER)
def partner_referral_detail(request, pk):
    referral = selectors.partner_referral_get(user=request.user, pk=pk)
    audit_log_record(
        user=request.user, action=AuditAction.VIEW, obj=referral, family=referral.family
    )
    form = ReferralStatusForm(referral=referral)
    provisions = selectors.provisions_for_partner(request.user).filter(referral=referral)
    return render(
        request,
        "servicepunt/partner_referral_detail.html",
        {"referral": referral, "form": form, "provisions": provisions},
    )


@role_required(PARTNER)
@require_POST
def partner_referral_update(request, pk):
    # POST only: the referral is shown (and its opening audited) by partner_referral_detail.
    referral = selectors.partner_referral_get(user=request.user, pk=pk)
    form = ReferralStatusForm(posted(request), referral=referral)
    if _status_saved(request, referral, form):
        # Back on the referral: the next change (or the next status) is one click away.
        return redirect("servicepunt:partner-referral-detail", pk=referral.pk)
    return render(
        request, "servicepunt/partner_referral_detail.html", {"referral": referral, "form": form}
    )


# --- import ----------------------------------------------------------------------------


@role_required(COORDINATOR)
def import_upload(request):
    """Upload a spreadsheet of contacts; every row is checked and previewed before saving."""
    schools = list(record_schools_for(request.user))
    form = ImportUploadForm(posted(request), posted_files(request))
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            summary = contacts_import(
                data=data, filename=upload.name, schools=schools, dry_run=True
            )
        except ImportFailed as failure:
            request.session.pop(IMPORT_SESSION_KEY, None)
            context["errors"] = failure.errors
            context["more_errors"] = failure.more
        else:
            # Kept in the session, not in a URL or a file, until the coordinator confirms.
            request.session[IMPORT_SESSION_KEY] = {
                "name": upload.name,
                "data": base64.b64encode(data).decode("ascii"),
            }
            context["summary"] = summary
    return render(request, "servicepunt/contact_import.html", context)


@role_required(COORDINATOR)
@require_POST
def import_confirm(request):
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if not stored:
        messages.error(request, _("There is no file waiting to be imported; upload it again."))
        return redirect("servicepunt:import")
    try:
        summary = contacts_import(
            data=base64.b64decode(stored["data"]),
            filename=stored["name"],
            user=request.user,
            schools=list(record_schools_for(request.user)),
        )
    except ImportFailed as failure:
        return render(
            request,
            "servicepunt/contact_import.html",
            {"form": ImportUploadForm(), "errors": failure.errors, "more_errors": failure.more},
        )
    messages.success(
        request,
        _("%(created)s contacts imported, %(skipped)s were already imported before.")
        % {"created": summary.created, "skipped": summary.skipped},
    )
    return redirect("servicepunt:contact-list")


@role_required(COORDINATOR)
def import_template(request):
    school = record_schools_for(request.user).order_by("name").first()
    example = [
        timezone.localdate().isoformat(),
        school.name if school else "De Schakel",
        "A001",
        "Fatima",
        "inloop",
        "geldzaken|toeslagen",
        "Werkwinkel",
        "ja",
        "",
    ]
    response = HttpResponse(
        csv_bytes([example], header=IMPORT_COLUMNS), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="contacten-sjabloon.csv"'
    return response
