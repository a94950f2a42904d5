from django.shortcuts import render

from familieschool.access import COORDINATOR, role_required


@role_required(COORDINATOR)
def walkin(request):
    return render(request, "servicepunt/walkin.html")
