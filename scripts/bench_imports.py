#!/usr/bin/env python
"""Memory and time of the import reader on hostile files (docs/security.md, "Exports and uploads").

    .venv/bin/python scripts/bench_imports.py files DIR          # bomb.xlsx and big.csv in DIR
    /usr/bin/time -f "%e s %M KB" .venv/bin/python scripts/bench_imports.py read FILE [--rev REV]

``read`` runs ``familieschool.tabular.read_table`` on FILE (through ``read_upload``, as the
commands do); with ``--rev`` it runs the reader of that git revision instead (``db94c6c`` is the
one before the limits), read the way the old commands read: the whole file at once.
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["datum", "school"]
OPTIONAL = ["gezin", "ouder", "kanaal", "themas", "doorverwezen_naar", "toestemming", "notitie"]
NS = "http://schemas.openxmlformats.org"
PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{NS}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{NS}/spreadsheetml/2006/main" '
        f'xmlns:r="{NS}/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{NS}/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{NS}/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def make_files(directory: Path) -> None:
    """A 200 KB XLSX that unpacks to 200 MB, and a 50 MB CSV of contact rows."""
    directory.mkdir(parents=True, exist_ok=True)
    cell = "A" * 1_000_000
    with zipfile.ZipFile(directory / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{NS}/spreadsheetml/2006/main"><sheetData>'.encode())
            sheet.write(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>datum</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>school</t></is></c></row>'
            )
            for number in range(2, 202):
                sheet.write(
                    f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{cell}</t></is>'
                    "</c></row>".encode()
                )
            sheet.write(b"</sheetData></worksheet>")
    row = (
        "2024-10-01,De Schakel,A001,Fatima,inloop,geldzaken|toeslagen,,nee,"
        "Een korte notitie over de vraag\n"
    )
    with (directory / "big.csv").open("w") as out:
        out.write(",".join(COLUMNS + OPTIONAL) + "\n")
        out.write(row * (50 * 1024 * 1024 // len(row)))


def read(path: Path, rev: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieschool.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if rev:
        source = subprocess.run(
            ["git", "show", f"{rev}:familieschool/tabular.py"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        module_path = Path(tempfile.mkdtemp()) / "tabular_at_rev.py"
        module_path.write_bytes(source)
        spec = importlib.util.spec_from_file_location("tabular_at_rev", module_path)
        tabular = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tabular)
    else:
        from familieschool import tabular
    start = time.monotonic()
    try:
        data = path.read_bytes() if rev else tabular.read_upload(path)
        table = tabular.read_table(data, path.name, COLUMNS, OPTIONAL)
        print(f"read {len(table.rows)} rows")
    except tabular.ImportFailed as failed:
        print(f"refused ({len(str(failed))} characters): {str(failed)[:160]}")
    print(f"{time.monotonic() - start:.2f} s in the reader")


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("files").add_argument("directory", type=Path)
    reading = commands.add_parser("read")
    reading.add_argument("file", type=Path)
    reading.add_argument("--rev")
    args = parser.parse_args()
    if args.command == "files":
        make_files(args.directory)
    else:
        read(args.file, args.rev)


if __name__ == "__main__":
    main()
