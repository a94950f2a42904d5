"""Every visible string has a Dutch translation (msgids are English)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))


def test_every_string_has_a_dutch_translation():
    from untranslated import untranslated

    assert untranslated() == []
