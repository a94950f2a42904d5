from tests.permission_table import C, Row, only

ROWS = [
    Row("servicepunt:walkin", only(C)),
]
