"""Errors that point a user at the exact place in their input that is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One fault in an input file: where it is and what rule it breaks."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class DataError(ValueError):
    """Input that cannot be loaded. Raised before anything is written to the store."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {problem}" for problem in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the input:\n{shown}{more}")


class UnknownRequirementError(LookupError):
    """A requirement id that matches nothing, or more than one thing, in the graph."""

    def __init__(self, query: str, candidates: list[str] | None = None, nearest: str | None = None) -> None:
        self.query = query
        self.candidates = candidates or []
        self.nearest = nearest
        if nearest:
            message = f"{query!r} is not catalogued (points and subparagraphs are not); the nearest requirement is {nearest}"
        elif self.candidates:
            listed = ", ".join(self.candidates[:10])
            message = f"{query!r} is ambiguous; it could be: {listed}. Add a framework prefix, e.g. {self.candidates[0]}"
        else:
            message = f"no requirement {query!r}: try a CURIE such as iso42001:A.6.2.8 or a form like 'Art. 12(1)', 'GOVERN 1.1'"
        super().__init__(message)
