from tests.permission_table import P, Row, only

ROWS = [
    Row("partners:week", only(P)),
]
