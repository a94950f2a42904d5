"""School years run from 1 August to 31 July and are labelled like ``2024/2025``."""

import re
from dataclasses import dataclass
from datetime import date

LABEL_RE = re.compile(r"^(\d{4})/(\d{4})$")


@dataclass(frozen=True, order=True)
class SchoolYear:
    start_year: int

    @classmethod
    def of(cls, day: date) -> "SchoolYear":
        """The school year a date falls in."""
        return cls(day.year if day.month >= 8 else day.year - 1)

    @classmethod
    def current(cls) -> "SchoolYear":
        from django.utils import timezone

        return cls.of(timezone.localdate())

    @classmethod
    def parse(cls, label: str) -> "SchoolYear":
        """Read a label such as ``2024/2025``; raises ValueError on anything else."""
        match = LABEL_RE.match((label or "").strip())
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise ValueError(f"not a school year label: {label!r}")
        return cls(int(match.group(1)))

    @property
    def start(self) -> date:
        return date(self.start_year, 8, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 7, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{self.start_year + 1}"

    def previous(self) -> "SchoolYear":
        return SchoolYear(self.start_year - 1)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def validate_school_year_label(value: str) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        SchoolYear.parse(value)
    except ValueError:
        raise ValidationError(
            _("Enter a school year like 2024/2025."), code="invalid_school_year"
        ) from None
