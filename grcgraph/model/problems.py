"""Where an input is wrong: a `Problem` at a structured `FieldPath`, or at a file's line and column."""

from __future__ import annotations

from dataclasses import dataclass, field

Segment = str | int  # a field name, or a position in a list


class FieldPath(tuple[Segment, ...]):
    """Where a value sits in a structured input, as segments (`("items", 3, "links", 0, "requirement")`),
    written as callers spell it: `items[3].links[0].requirement`."""

    __slots__ = ()

    def __new__(cls, *segments: Segment) -> FieldPath:
        return super().__new__(cls, segments)

    def __truediv__(self, segment: Segment) -> FieldPath:
        return FieldPath(*self, segment)

    def __str__(self) -> str:
        out = ""
        for segment in self:
            out += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if out else segment)
        return out

    def __repr__(self) -> str:
        return f"FieldPath({str(self)!r})"


@dataclass(frozen=True)
class Problem:
    """One fault in an input and the rule it breaks: at a field path (a GraphQL input, a Python
    call) or at a file's line and column."""

    message: str
    path: FieldPath = field(default_factory=FieldPath)
    file: str | None = None
    line: int | None = None  # a file's line, or a sheet's row
    sheet: str | None = None  # a workbook's sheet: `line` is then its row, and `path` its column

    @classmethod
    def in_file(cls, file: str, line: int, column: str, message: str) -> Problem:
        """A fault in a data file: line 0 or less names the file as a whole; `column` may be empty."""
        return cls(message, FieldPath(column) if column else FieldPath(), file, line)

    @property
    def field(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        if self.file is None:
            return f"{self.path}: {self.message}" if self.path else self.message
        if self.sheet is not None:
            cell = f", row {self.line}" if self.line else ""
            cell += f", column {self.path}" if self.path else ""
            return f"{self.file}, sheet {self.sheet!r}{cell}: {self.message}"
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass(frozen=True)
class Origin:
    """Where one item of a data file came from, so that a problem found later (when the item is
    checked for writing) names the file's own place: the file, its line (a sheet's row), the
    sheet, and each field's column as the file names it (`Asserted By`, `D (Asserted By)`)."""

    file: str
    line: int
    sheet: str | None = None
    columns: tuple[tuple[str, str], ...] = ()  # (field, the file's name for its column)
    links: str | None = None  # JSON: the key holding the item's links (link fields are then named links[1].field)

    def column(self, name: str, link: int | None = None) -> str:
        label = dict(self.columns).get(name, name)
        if link is not None and self.links is not None:
            return f"{self.links}[{link}].{label}"
        return label

    def problem(self, message: str, name: str = "", link: int | None = None) -> Problem:
        return Problem(message, FieldPath(self.column(name, link)) if name else FieldPath(), self.file, self.line, self.sheet)
