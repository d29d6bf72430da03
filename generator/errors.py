"""The exception hierarchy. Only `generator.cli.main` turns these into messages
and exit codes; library code raises them and never prints.

Every error carries the place it is about (`path:line`) where one exists, so
that a message can say where to look.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a content or template file. `line` is 1-based; 0 means the
    whole file."""

    path: Path
    line: int = 0

    def __str__(self) -> str:
        shown = _display_path(self.path)
        return f"{shown}:{self.line}" if self.line else shown


def _display_path(path: Path) -> str:
    # Messages are read in a terminal opened in the project: a relative path
    # is shorter and clickable; fall back to the absolute one elsewhere.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of content validation."""

    location: Location
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.location}: {prefix}{self.message}"


class BriefingError(Exception):
    """Root of all errors the tool reports to a user. `exit_code` is what the
    CLI exits with: 1 for content and build errors, 2 for usage errors."""

    exit_code = 1

    def messages(self) -> list[str]:
        return [str(self)]


class ContentError(BriefingError):
    """Raised by `content.load_content` when content/ has problems. Carries
    every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in content")

    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


class UsageError(BriefingError):
    """Raised for bad command-line input that is not about content: unknown
    selector ids, unknown formats, contradictory options."""

    exit_code = 2


class UnknownSubject(UsageError):
    """A region, theme or ministry that content does not have. Carries the
    facts as data (`kind`, the `key` asked for, the closest id or None), so a
    caller can point to where the valid ones are listed, or say it in
    another language."""

    def __init__(self, kind: str, key: str, suggestion: str | None) -> None:
        hint = f" — did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"unknown {kind} '{key}'{hint}")
        self.kind, self.key, self.suggestion = kind, key, suggestion


class SelectionError(BriefingError):
    """Raised by `select` when a valid selector combination matches nothing."""


class TemplateError(BriefingError):
    """Raised by writers when a template is missing, broken or refers to an
    asset that does not exist; says which template and line."""


class OutputError(BriefingError):
    """Raised when output cannot be written: permissions, a held lock, a
    renderer failure. `reason` is the system's words without the path
    ("No space left on device"), when the system gave one."""

    reason: str = ""


class Interrupted(KeyboardInterrupt):
    """Raised in the coordinator by the CLI's SIGTERM handler; handled like
    Ctrl-C (SIGINT) but reported as SIGTERM."""


class ConfigError(BriefingError):
    """Raised before a build starts when its publishing configuration is
    unusable: a signing key that is missing, locked with another passphrase
    or outside its validity, a gpg key that is not there. Names the file."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, if any is like it: of equally close
    ones, the one that starts alike ('pdf/a-2x' is 'pdf/a-2a', not
    'pdf/ua-2')."""
    close = difflib.get_close_matches(word, sorted(choices), n=3)
    close.sort(key=lambda c: (-difflib.SequenceMatcher(None, word, c).ratio(), -len(os.path.commonprefix([word, c]))))
    return close[0] if close else None


def hint(suggestion: str | None) -> str:
    """The tail every 'unknown …' message ends in: " — did you mean 'x'?",
    or nothing when there is nothing to suggest."""
    return f" — did you mean '{suggestion}'?" if suggestion else ""


def suggest(word: str, choices: Iterable[str]) -> str:
    """hint(closest(word, choices)): the message's tail for an unknown `word`."""
    return hint(closest(word, choices))
