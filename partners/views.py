from django.shortcuts import render

from familieschool.access import PARTNER, role_required


@role_required(PARTNER)
def week(request):
    return render(request, "partners/week.html")
