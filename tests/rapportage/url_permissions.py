from tests.permission_table import C, L, Row, only

ROWS = [
    Row("rapportage:dashboard", only(C, L)),
]
