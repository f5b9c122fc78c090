"""Errors that point a user at the exact place in their input that is wrong."""

from __future__ import annotations

from grcgraph.model import Problem


class DataError(ValueError):
    """Input that cannot be loaded. Raised before anything is written to the store."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {problem}" for problem in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the input:\n{shown}{more}")

    @classmethod
    def in_file(cls, file: str, message: str) -> DataError:
        """A file that cannot be read at all."""
        return cls([Problem.in_file(file, 0, "", message)])


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
            message = (
                f"{query!r} is ambiguous; it could be: {listed}. "
                f"Add a framework prefix, e.g. {self.candidates[0]}, or name the framework (a Framework column or"
                " --framework in the CLI, a link's framework in GraphQL)"
            )
        else:
            message = f"no requirement {query!r}: try a CURIE such as iso42001:A.6.2.8 or a form like 'Art. 12(1)', 'GOVERN 1.1'"
        super().__init__(message)


class InvalidInputError(ValueError):
    """A write refused before anything was stored; `problems` says where and why, each with its path."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class NotFoundError(LookupError):
    """No such record (evidence, AI system, token) in the workspace asked."""


class ForbiddenError(PermissionError):
    """A request for something its caller may not see or do (another workspace's graph, an update
    where only queries are read); the message says what and why."""


class StoreUnavailableError(RuntimeError):
    """The store cannot be reached or did not answer in time; the message names it and the cause."""


class QueryTimeoutError(Exception):
    """A SPARQL query ran past its deadline and was stopped."""


class QueryFailedError(Exception):
    """A SPARQL query could not be evaluated (the store could not be read, or its worker died)."""
