"""Errors are data: every problem found in the content becomes a ContentError.

Editors are district officials, not programmers, so a problem is reported with the file, the line and
column, the field, what was expected and what was found, in Vietnamese by default and in English on
request. A run collects every problem before it stops (MkDocs' config validation does the same), so an
editor fixes a whole file in one go instead of one error per run.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")


class Severity(enum.IntEnum):
    ERROR = 0
    WARNING = 1


@dataclass(frozen=True)
class Message:
    """One message in both languages, already formatted."""

    vi: str
    en: str

    def text(self, lang: Lang) -> str:
        return self.vi if lang == "vi" else self.en


def msg(vi: str, en: str, /, **params: object) -> Message:
    """Format a bilingual message template with the same parameters in both languages."""
    return Message(vi.format(**params), en.format(**params))


@dataclass(frozen=True, order=True)
class ContentError:
    """A problem in a content file.

    `line` and `column` are 1-based; 0 means "the whole file" (for example an unreadable file).
    `field` is a dotted path such as ``variants[0].gtin``, or "" when the problem is not in a field.
    """

    path: str
    line: int
    column: int
    field: str
    message: Message = dc_field(compare=False)
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, lang: Lang = "vi") -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column}"
        parts = [where]
        if self.severity is Severity.WARNING:
            parts.append("cảnh báo" if lang == "vi" else "warning")
        if self.field:
            parts.append(self.field)
        parts.append(self.message.text(lang))
        return ": ".join(parts)

    def __str__(self) -> str:
        return self.format("vi")


class ContentErrors(Exception):
    """Raised once, at the end of a phase, with every problem the phase found."""

    def __init__(self, problems: Iterable[ContentError]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format("vi") for p in self.problems))

    @property
    def errors(self) -> list[ContentError]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[ContentError]:
        return [p for p in self.problems if not p.is_error]


@dataclass
class Diagnostics:
    """Collects problems across a phase; `raise_if_errors` ends the phase."""

    problems: list[ContentError] = dc_field(default_factory=list)

    def add(self, problem: ContentError) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[ContentError]) -> None:
        self.problems.extend(problems)

    def error(
        self, path: str, line: int, column: int, field_name: str, message: Message
    ) -> ContentError:
        problem = ContentError(path, line, column, field_name, message)
        self.problems.append(problem)
        return problem

    def warning(
        self, path: str, line: int, column: int, field_name: str, message: Message
    ) -> ContentError:
        problem = ContentError(path, line, column, field_name, message, Severity.WARNING)
        self.problems.append(problem)
        return problem

    @property
    def errors(self) -> list[ContentError]:
        return sorted(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> list[ContentError]:
        return sorted(p for p in self.problems if not p.is_error)

    def raise_if_errors(self) -> None:
        if any(p.is_error for p in self.problems):
            raise ContentErrors(self.problems)
