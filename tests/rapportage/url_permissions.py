from familieschool.schoolyear import SchoolYear
from tests.permission_table import A, C, L, P, Row, only


def _ended_year(w) -> dict:
    return {"schooljaar": SchoolYear.current().previous().label}


ROWS = [
    Row("rapportage:dashboard", only(C, L)),
    Row(
        "rapportage:export",
        only(C, L),
        query=f"schooljaar={SchoolYear.current().label}&formaat=csv",
    ),
    Row("rapportage:funding-export", only(C, L)),
    Row("rapportage:snapshots", only(L, A)),
    # A partner's own organisation's figures: no organisation in the URL, it is the user's.
    Row("rapportage:partner-figures", only(P)),
    Row(
        "rapportage:partner-figures-export",
        only(P),
        query=f"periode=schooljaar&schooljaar={SchoolYear.current().label}&formaat=csv",
    ),
    Row("rapportage:snapshot-create", only(L, A, ok=302), method="post", data=_ended_year),
]
