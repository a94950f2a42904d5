from familieschool.schoolyear import SchoolYear
from tests.permission_table import A, C, L, Row, only


def _ended_year(w) -> dict:
    return {"schooljaar": SchoolYear.current().previous().label}


ROWS = [
    Row("rapportage:dashboard", only(C, L)),
    Row(
        "rapportage:export",
        only(C, L),
        query=f"schooljaar={SchoolYear.current().label}&formaat=csv",
    ),
    Row("rapportage:snapshots", only(L, A)),
    Row("rapportage:snapshot-create", only(L, A, ok=302), method="post", data=_ended_year),
]
