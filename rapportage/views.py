from django.shortcuts import render

from familieschool.access import COORDINATOR, PROJECT_LEADER, role_required


@role_required(PROJECT_LEADER, COORDINATOR)
def dashboard(request):
    return render(request, "rapportage/dashboard.html")
