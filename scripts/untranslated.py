#!/usr/bin/env python
"""List every msgid in the code and templates that has no Dutch translation.

It extracts the strings with Django's makemessages in a scratch copy of the source tree (so the
real .po files stay untouched), then asks the merged Dutch catalogue of all apps at run time.
Usage: DEBUG=1 .venv/bin/python scripts/untranslated.py [--stub PATH_PREFIX ...]
With --stub it prints .po entries (msgstr empty) for the strings found under those paths, to
paste into that app's locale/nl/LC_MESSAGES/django.po and translate.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "manage.py",
    "familieschool",
    "servicepunt",
    "partners",
    "activiteiten",
    "rapportage",
    "templates",
]


def extract_msgids() -> list[tuple[str, str, bool]]:
    """(catalogue key, where) for every translatable string in the source."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for name in SOURCES:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(
                    src,
                    scratch / name,
                    ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations"),
                )
            else:
                shutil.copy(src, scratch / name)
        (scratch / "familieschool" / "locale").mkdir()
        env = {**os.environ, "DEBUG": "1", "PYTHONPATH": str(scratch)}
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "nl",
                "--add-location=file",
                "-i",
                "static",
                "-v",
                "0",
            ],
            cwd=scratch,
            env=env,
            check=True,
        )
        po = (scratch / "familieschool" / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text()
    return parse_po(po)


def _unquote(chunks: list[str]) -> str:
    return "".join(
        bytes(c, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8") for c in chunks
    )


def parse_po(text: str) -> list[tuple[str, str, bool]]:
    entries = []
    for block in text.split("\n\n"):
        where, ctxt, msgid, current = "", None, None, None
        parts: dict[str, list[str]] = {}
        for line in block.splitlines():
            if line.startswith("#:"):
                where = line[2:].strip()
            elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
                key, _, rest = line.partition(" ")
                current = key
                parts[current] = [rest.strip()[1:-1]]
            elif line.startswith('"') and current:
                parts[current].append(line.strip()[1:-1])
        if "msgid" not in parts:
            continue
        msgid = _unquote(parts["msgid"])
        if not msgid:
            continue
        ctxt = _unquote(parts["msgctxt"]) if "msgctxt" in parts else None
        key = f"{ctxt}\x04{msgid}" if ctxt else msgid
        entries.append((key, where, "msgid_plural" in parts))
    return entries


def untranslated(prefixes: list[str] | None = None, stub: bool = False) -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieschool.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils.translation import trans_real

    catalog = trans_real.translation("nl")._catalog
    missing = []
    for key, where, plural in extract_msgids():
        found = (key, 0) in catalog if plural else key in catalog
        if found or (prefixes and not any(p in where for p in prefixes)):
            continue
        if stub:
            msgid = key.split("\x04")[-1].replace("\\", "\\\\").replace('"', '\\"')
            msgid = msgid.replace("\n", "\\n")
            lines = [f"#: {where}"]
            if "\x04" in key:
                lines.append(f'msgctxt "{key.split(chr(4))[0]}"')
            lines.append(f'msgid "{msgid}"')
            if plural:
                lines += [f'msgid_plural "{msgid}"', 'msgstr[0] ""', 'msgstr[1] ""']
            else:
                lines.append('msgstr ""')
            missing.append("\n".join(lines) + "\n")
        else:
            missing.append(f"{where}: {key!r}")
    return missing


if __name__ == "__main__":
    args = sys.argv[1:]
    stub = bool(args) and args[0] == "--stub"
    result = untranslated(args[1:] if stub else None, stub=stub)
    print("\n".join(result) or "every string has a Dutch translation")
    sys.exit(1 if result else 0)
