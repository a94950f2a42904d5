from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from familieschool.access import (
    ADMINISTRATOR,
    COORDINATOR,
    PARTNER,
    PROJECT_LEADER,
    boards_for,
    may_freeze_figures,
    role_required,
    schools_for,
)
from familieschool.forms import posted
from familieschool.schoolyear import SchoolYear

from .constants import ExportStatus
from .dashboard import dashboard_tables
from .exports import partner_figures_export
from .forms import (
    PERIOD_CALENDAR_YEAR,
    PERIOD_FROM_TO,
    FreezeForm,
    FundingExportForm,
    PartnerFiguresExportForm,
    PartnerFiguresForm,
    ReachExportForm,
    ReachFilterForm,
)
from .funding import funding_export as funding_file
from .reach import Period, reach_report
from .reach.partner import PARTNER_FIGURES, partner_figures
from .selectors import (
    min_cell_for,
    partner_figures_scope,
    reach_export_job_get,
    report_scope,
    snapshot_list,
    snapshot_years,
)
from .services import (
    reach_export_job_create,
    reach_export_job_fail_if_stale,
    reach_snapshot_create,
)


def _scope(request):
    return report_scope(
        request.user,
        board_id=request.GET.get("bestuur"),
        school_ids=request.GET.getlist("school"),
    )


def _counted_schools(request, schools) -> int:
    """How many schools a report counts: the whole scope when small counts are hidden (they are
    hidden as in the whole scope's report), else the schools shown."""
    if min_cell_for(request.user) > 1:
        return schools_for(request.user).count()
    return schools.count()


def _period_query(period: Period) -> dict:
    """The period's part of the download links (the school year alone for a school year)."""
    if period == Period.of(period.school_year):
        return {"schooljaar": period.school_year.label}
    if period == Period.calendar_year(period.first.year):
        return {"periode": PERIOD_CALENDAR_YEAR, "kalenderjaar": period.first.year}
    return {
        "periode": PERIOD_FROM_TO,
        "van": period.first.isoformat(),
        "tot": period.last.isoformat(),
    }


@role_required(PROJECT_LEADER, COORDINATOR)
def dashboard(request):
    """Key figures per school with last year's change, charts and the downloads."""
    schools, board = _scope(request)
    frozen = snapshot_years()
    asked = "schooljaar" in request.GET or "periode" in request.GET
    form = ReachFilterForm(
        request.GET if asked else None,
        snapshot_years=frozen,
        school_count=_counted_schools(request, schools) if asked else 0,
    )
    period = form.chosen_period()
    school_year = period == Period.of(period.school_year)
    year = period.school_year
    breakdown = form.breakdown()
    report = reach_report(
        year,
        schools=schools,
        min_cell=min_cell_for(request.user),
        scope=schools_for(request.user),
        kept=True,
        breakdown=breakdown,
        period=None if school_year else period,
    )
    query = _period_query(period)
    if board is not None:
        query["bestuur"] = board.pk
    if breakdown:
        query["per"] = breakdown
    boards = list(boards_for(request.user))
    return render(
        request,
        "rapportage/reach_dashboard.html",
        {
            "form": form,
            "report": report,
            "year": year,
            # A calendar year or from-to period (None for a school year).
            "period": None if school_year else period,
            "report_time": timezone.now(),
            "boards": boards if len(boards) > 1 else [],
            "board": board,
            "breakdown": breakdown or "",
            "download_query": urlencode(query),
            "can_freeze": may_freeze_figures(request.user),
            "year_ended": school_year and year.end < timezone.localdate(),
            # This and last school year are recounted every few minutes, older ones and
            # calendar years once a day; a from-to period is counted in the request.
            "recount_minutes": (
                settings.REACH_RECOUNT_MINUTES
                if school_year and year >= SchoolYear.current().previous()
                else None
            ),
            "tables": dashboard_tables(report),
        },
    )


@role_required(PROJECT_LEADER, COORDINATOR)
def export(request):
    """Ask for the dashboard's figures as a CSV or XLSX download (from the snapshot when
    frozen), for the dashboard's period: prepared in the background, then the job's page."""
    schools, _board = _scope(request)
    form = ReachExportForm(
        request.GET,
        snapshot_years=snapshot_years(),
        school_count=_counted_schools(request, schools),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("rapportage:dashboard")
    job = reach_export_job_create(
        user=request.user,
        period=form.period(),
        fmt=form.cleaned_data["formaat"],
        schools=schools,
        scope=schools_for(request.user),
        min_cell=min_cell_for(request.user),
        breakdown=form.breakdown(),
    )
    if getattr(job, "reused", False):
        messages.info(
            request,
            _(
                "You already prepared this download: nothing in it has changed since, so here is "
                "that file, made on %(made)s."
            )
            % {"made": date_format(timezone.localtime(job.finished_at), "DATETIME_FORMAT")},
        )
    return redirect("rapportage:export-job", public_id=job.public_id)


def _job_message(job) -> str:
    if job.status == ExportStatus.FAILED:
        return job.error
    if job.status == ExportStatus.READY:
        return _("The file is ready.")
    if job.status == ExportStatus.QUEUED:
        return _("Queued. This page shows the link once the file is ready.")
    return _("In progress: %(progress)d%%. This page shows the link once the file is ready.") % {
        "progress": job.progress
    }


def _own_job(request, public_id):
    """The user's own download as its page shows it: failed when no worker will finish it."""
    return reach_export_job_fail_if_stale(
        job=reach_export_job_get(user=request.user, public_id=public_id)
    )


@role_required(PROJECT_LEADER, COORDINATOR)
def export_job(request, public_id):
    """A download being prepared: where it is, and the link once the file is ready (or, when it
    failed, the button to ask for it again)."""
    job = _own_job(request, public_id)
    return render(
        request,
        "rapportage/reachexportjob_detail.html",
        {
            "job": job,
            "message": _job_message(job),
            "status_url": reverse("rapportage:export-job-status", args=[public_id]),
        },
    )


@role_required(PROJECT_LEADER, COORDINATOR)
def export_job_status(request, public_id):
    """The job page's progress, for its script to ask every second."""
    job = _own_job(request, public_id)
    response = JsonResponse(
        {
            "status": job.status,
            "message": _job_message(job),
            "progress": job.progress,
            "ready": job.status == ExportStatus.READY,
            "failed": job.status == ExportStatus.FAILED,
            "error": job.error,
            "file_url": reverse("rapportage:export-job-file", args=[public_id])
            if job.status == ExportStatus.READY
            else "",
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@role_required(PROJECT_LEADER, COORDINATOR)
def export_job_retry(request, public_id):
    """Ask again for a failed download: a new job with its period, format and schools, for the
    same user (the schools must still be hers, else a 404); any other job's page as it is."""
    job = _own_job(request, public_id)
    if job.status != ExportStatus.FAILED:
        return redirect("rapportage:export-job", public_id=public_id)
    schools, _board = report_scope(request.user, school_ids=job.school_ids)
    again = reach_export_job_create(
        user=request.user,
        period=Period(job.first_day, job.last_day),
        fmt=job.fmt,
        schools=schools,
        scope=schools_for(request.user),
        min_cell=min_cell_for(request.user),
        breakdown=job.breakdown or None,
    )
    return redirect("rapportage:export-job", public_id=again.public_id)


@role_required(PROJECT_LEADER, COORDINATOR)
def export_job_file(request, public_id):
    """The prepared file, named as the download always was; before it is ready, the job page."""
    job = reach_export_job_get(user=request.user, public_id=public_id, with_content=True)
    if job.status != ExportStatus.READY:
        return redirect("rapportage:export-job", public_id=public_id)
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


@role_required(PROJECT_LEADER, COORDINATOR)
def funding_export(request):
    """The export per funding source for a period: the form, and the file once it is valid."""
    schools, _board = _scope(request)
    asked = "formaat" in request.GET
    form = FundingExportForm(
        request.GET if asked else None,
        snapshot_years=snapshot_years(),
        initial={"schooljaar": request.GET.get("schooljaar") or SchoolYear.current().label},
    )
    if asked and form.is_valid():
        period = form.period()
        result = funding_file(
            period=period,
            schools=schools,
            min_cell=min_cell_for(request.user),
            fmt=form.cleaned_data["formaat"],
            scope=schools_for(request.user),
            kept=period.label == period.school_year.label,
        )
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response
    return render(request, "rapportage/funding_export.html", {"form": form})


@role_required(PROJECT_LEADER, ADMINISTRATOR)
def snapshots(request):
    """The frozen school years, and the form to freeze one that has ended."""
    frozen = snapshot_years()
    return render(
        request,
        "rapportage/reachsnapshot_list.html",
        {
            "snapshots": snapshot_list(),
            "form": FreezeForm(snapshot_years=frozen),
            "can_freeze": may_freeze_figures(request.user),
        },
    )


@require_POST
@role_required(PROJECT_LEADER, ADMINISTRATOR)
def snapshot_create(request):
    """Freeze a school year's figures for every school."""
    if not may_freeze_figures(request.user):
        raise PermissionDenied
    frozen = snapshot_years()
    form = FreezeForm(posted(request), snapshot_years=frozen)
    if form.is_valid():
        year = form.cleaned_data["schooljaar"]
        try:
            reach_snapshot_create(school_year=year, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("schooljaar", message)
        else:
            messages.success(
                request, _("The figures of %(year)s are frozen.") % {"year": year.label}
            )
            return redirect(reverse("rapportage:snapshots"))
    return render(
        request,
        "rapportage/reachsnapshot_list.html",
        {"snapshots": snapshot_list(), "form": form, "can_freeze": True},
        status=400,
    )


def _partner_figures(user, form):
    scope = partner_figures_scope(user)
    figures = partner_figures(
        organisation=scope.organisation,
        schools=scope.schools,
        shown=scope.shown,
        period=form.period(),
        min_cell=settings.MIN_CELL_COUNT,
    )
    return scope, figures


@role_required(PARTNER)
def partner_figures_page(request):
    """The user's own organisation's figures per school, for a period; small counts hidden."""
    form = PartnerFiguresForm(request.GET or None)
    scope, figures = None, None
    if not form.is_bound or form.is_valid():
        scope, figures = _partner_figures(request.user, form)
    query = request.GET.copy()
    query.pop("formaat", None)
    if not form.is_bound:
        # The download of the page as first shown: the current school year.
        query.update({"periode": "schooljaar", "schooljaar": SchoolYear.current().label})
    return render(
        request,
        "rapportage/partner_figures.html",
        {
            "form": form,
            "scope": scope,
            "figures": figures,
            "columns": [label for _code, label in PARTNER_FIGURES],
            "download_query": query.urlencode(),
        },
    )


@role_required(PARTNER)
def partner_figures_download(request):
    """The same figures as the page, as a CSV or XLSX download."""
    form = PartnerFiguresExportForm(request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("rapportage:partner-figures")
    _scope, figures = _partner_figures(request.user, form)
    result = partner_figures_export(figures, form.cleaned_data["formaat"])
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
