"""Simple line pictograms for the public page (inline SVG, no files) and the poster's QR code."""

import segno
from django.utils.safestring import SafeString, mark_safe

# The public page's languages, each named in its own language (never translated).
PUBLIC_LANGUAGES = {"nl": "Nederlands", "en": "English", "ar": "العربية", "tr": "Türkçe"}

_PATHS = {
    "koffieochtend": '<path d="M8 18h26v12a10 10 0 0 1-10 10h-6A10 10 0 0 1 8 30z"/>'
    '<path d="M34 21h4a5 5 0 0 1 0 10h-4"/><path d="M16 5c0 4 4 4 4 8M24 5c0 4 4 4 4 8"/>',
    "themabijeenkomst": '<path d="M5 9h25v16H16l-6 6v-6H5z"/>'
    '<path d="M34 17h9v16h-4v6l-6-6H21v-4"/>',
    "taalles": '<path d="M5 10c6-2 13-2 19 2 6-4 13-4 19-2v28c-6-2-13-2-19 2-6-4-13-4-19-2z"/>'
    '<path d="M24 12v28"/>',
    "huiswerkklas": '<path d="M10 38l4-12L32 8l8 8-18 18z"/><path d="M28 12l8 8"/>'
    '<path d="M10 38l12-4"/>',
    "vadergroep": '<circle cx="17" cy="13" r="6"/><circle cx="33" cy="15" r="5"/>'
    '<path d="M5 41c0-8 5-14 12-14s12 6 12 14"/><path d="M29 28c1-2 3-3 5-3 5 0 9 5 9 13"/>',
    "verlengde_schooldag": '<path d="M24 5l5.5 11.5 12.5 1.5-9 8.5 2.5 12.5L24 33l-11.5 6 '
    '2.5-12.5-9-8.5 12.5-1.5z"/>',
    "ouder_kind": '<circle cx="16" cy="11" r="6"/><circle cx="34" cy="21" r="4.5"/>'
    '<path d="M5 42c0-10 5-16 11-16s11 6 11 16"/><path d="M27 42c0-6 3-10 7-10s7 4 7 10"/>',
    "excursie": '<rect x="8" y="7" width="32" height="27" rx="4"/><path d="M8 21h32"/>'
    '<circle cx="16" cy="38" r="3"/><circle cx="32" cy="38" r="3"/>',
    "cursus": '<path d="M3 18l21-10 21 10-21 10z"/><path d="M12 23v9c6 5 18 5 24 0v-9"/>'
    '<path d="M45 18v12"/>',
    "spreekuur": '<circle cx="24" cy="24" r="18"/><path d="M19 19a5 5 0 1 1 7 4.6c-1.3.6-2 1.6-2 '
    '3V29"/><path d="M24 34v.5"/>',
    "overig": '<rect x="6" y="10" width="36" height="32" rx="3"/>'
    '<path d="M6 20h36M16 5v9M32 5v9"/>',
}


def pictogram_svg(code: str, size: int = 48) -> SafeString:
    """The pictogram of an activity type code (or ``spreekuur``), decorative for screen readers."""
    paths = _PATHS.get(code, _PATHS["overig"])
    # Fixed markup from this module only; nothing from a user goes into it.
    return mark_safe(
        f'<svg class="pictogram" width="{int(size)}" height="{int(size)}" viewBox="0 0 48 48" '
        'fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" '
        f'stroke-linejoin="round" aria-hidden="true" focusable="false">{paths}</svg>'
    )


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code for ``url``."""
    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=8, border=2, svgclass="qr-code", omitsize=True))
