"""Declarative schemas for the YAML the tool reads: content/, its geo
folder, content/catalogue.yaml and the label catalogues.

Modelled on MkDocs' config schema: a record is declared as its fields,
each a small object that knows its type and rules (`Text`, `Ident`,
`Integer`, `Strings`, …), and reading a record checks every field and
gathers every problem with its `file:line`, instead of stopping at the
first. What a record's fields say together (a page range, a quote that
must stand in its passage) is checked after, by the loader, with the
record's `error`, so those messages carry their line as well.

Why our own rather than pydantic or jsonschema: every message must name
the line of the key in a hand-edited file and read as a sentence a
content editor acts on ("'page' must be a whole number, not text",
"unknown field 'region' in passage 'x' — did you mean 'regions'?"); both
libraries report paths, not lines, and their own wording. The lines come
from `yamlio.LocatedDict`; this module is the rules, about 200 lines.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

from .errors import Location, Problem, suggest
from .limits import MAX_TEXT_CHARS
from .yamlio import LocatedDict

T = TypeVar("T")
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Invalid(Exception):
    """A value that breaks its field's rule; the message names the field
    as `{key}`, filled in by the record."""


def type_name(value: object) -> str:
    return {
        list: "a list", dict: "a mapping", LocatedDict: "a mapping", bool: "true/false",
        int: "a number", float: "a number", str: "text",
    }.get(type(value), type(value).__name__)


class Field(Generic[T]):
    """One field's rule. `read` turns the YAML value into what the loader
    gets, or raises Invalid; `default` is what a missing or invalid field
    reads as, so that the loader goes on and finds the next problem."""

    default: Any = None

    def __init__(self, required: bool = True) -> None:
        self.required = required

    def read(self, value: Any) -> T:
        raise NotImplementedError


class Raw(Field[Any]):
    """Any value, checked by the loader (a list of records, read item by item)."""

    def read(self, value: Any) -> Any:
        return value


class Text(Field[str]):
    default = ""

    def __init__(self, required: bool = True, empty_ok: bool = False, limit: int = MAX_TEXT_CHARS) -> None:
        super().__init__(required)
        self.empty_ok, self.limit = empty_ok, limit

    def read(self, value: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Invalid(f"'{{key}}' must be text, not {type_name(value)}")
        if not self.empty_ok and not value.strip():
            raise Invalid("'{key}' is empty")
        if len(value) > self.limit:
            raise Invalid(f"'{{key}}' has {len(value):,} characters; at most {self.limit:,} (limits.py)")
        return value.strip()


class Ident(Text):
    def read(self, value: Any) -> str:
        text = super().read(value)
        if not ID_RE.match(text):
            raise Invalid(f"'{{key}}' must be a lowercase slug like 'horn-of-africa', not '{text}'")
        return text


class Integer(Field[int]):
    default = 0

    def read(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"'{{key}}' must be a whole number, not {type_name(value)}")
        return value


class Number(Field[float]):
    """A number within [minimum, maximum], exclusive."""

    def __init__(self, minimum: float, maximum: float, meaning: str, required: bool = True) -> None:
        super().__init__(required)
        self.minimum, self.maximum, self.meaning = minimum, maximum, meaning

    def read(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not self.minimum < value < self.maximum:
            raise Invalid(f"'{{key}}' must be {self.meaning} between {self.minimum:g} and {self.maximum:g}")
        return float(value)


class Numbers(Field[tuple[float, ...]]):
    """A list of exactly `n` numbers ("[longitude, latitude]")."""

    def __init__(self, n: int, meaning: str, required: bool = True) -> None:
        super().__init__(required)
        self.n, self.meaning = n, meaning

    def read(self, value: Any) -> tuple[float, ...]:
        if (isinstance(value, list) and len(value) == self.n
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
            return tuple(float(v) for v in value)
        raise Invalid(f"'{{key}}' must be {self.meaning}")


class Date(Field[str]):
    """An ISO date (YAML reads 2013-06-21 as a date; quoted text must be
    one too), as 'YYYY-MM-DD'."""

    default = ""

    def read(self, value: Any) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise Invalid(f"'{{key}}' must be a date written as YYYY-MM-DD, like 2013-06-21, not '{value}'") from None


class Flag(Field[bool]):
    default = False

    def __init__(self) -> None:
        super().__init__(required=False)

    def read(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise Invalid("'{key}' must be true or false")
        return value


class Strings(Field[tuple[str, ...]]):
    """A list of texts; `least` of them at the least."""

    default = ()

    def __init__(self, required: bool = True, least: int = 0, meaning: str = "") -> None:
        super().__init__(required)
        self.least, self.meaning = least, meaning

    def read(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(self.meaning or "'{key}' must be a list of text, like [a, b] (write [] for none)")
        if len(value) < self.least or not all(v.strip() for v in value):
            raise Invalid(self.meaning or f"'{{key}}' must be a list of at least {self.least} texts")
        return tuple(v.strip() for v in value)


class Choice(Field[str]):
    """One of `choices`; `noun` names them in the message ("passage kind")."""

    def __init__(self, choices: Iterable[str], noun: str = "{key}", required: bool = True, default: str = "") -> None:
        super().__init__(required)
        self.choices, self.noun, self.default = tuple(choices), noun, default

    def read(self, value: Any) -> str:
        text = Text().read(value)
        if text not in self.choices:
            raise Invalid(f"unknown {self.noun} '{text}'{suggest(text, self.choices)} "
                          f"(one of: {', '.join(self.choices)})")
        return text


class Nested(Field[LocatedDict]):
    """A mapping, read by its own record (or by the loader)."""

    def read(self, value: Any) -> LocatedDict:
        if not isinstance(value, LocatedDict):
            raise Invalid("'{key}' must be a mapping")
        return value


class Template(Field[Any]):
    """A text with {placeholders}, only the `allowed` ones; or its plural
    forms, a mapping of `one` and `other` (the label catalogue)."""

    def __init__(self, allowed: Iterable[str]) -> None:
        super().__init__()
        self.allowed = frozenset(allowed)

    def read(self, value: Any) -> Any:
        forms = [value.get("one"), value.get("other")] if isinstance(value, Mapping) else [value]
        for form in forms:
            if not isinstance(form, str):
                raise Invalid(f"'{{key}}' must be text (or 'one' and 'other'), not {type_name(form)}")
            try:
                unknown = {name for _, name, _, _ in string.Formatter().parse(form) if name} - self.allowed
            except ValueError as exc:
                raise Invalid(f"'{{key}}': {exc}") from None
            if unknown:
                known = ", ".join("{" + n + "}" for n in sorted(self.allowed)) or "none"
                raise Invalid(f"'{{key}}': unknown placeholder {{{sorted(unknown)[0]}}} (known: {known})")
        return value


class Keys(Field[Mapping[str, Any]]):
    """A mapping that has at least these keys (a word for each kind)."""

    def __init__(self, keys: Iterable[str]) -> None:
        super().__init__()
        self.keys = tuple(keys)

    def read(self, value: Any) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise Invalid(f"'{{key}}' must be a mapping of {', '.join(self.keys)}")
        missing = [k for k in self.keys if k not in value]
        if missing:
            raise Invalid(f"'{{key}}' misses {', '.join(missing)}")
        return value


class ListsOf(Field[Mapping[str, tuple[str, ...]]]):
    """A mapping of names to lists of texts."""

    def __init__(self, meaning: str, required: bool = True) -> None:
        super().__init__(required)
        self.meaning = meaning

    def read(self, value: Any) -> Mapping[str, tuple[str, ...]]:
        if not isinstance(value, Mapping):
            raise Invalid(self.meaning)
        strings = Strings(least=1, meaning=self.meaning)
        return {str(k): strings.read(v) for k, v in value.items()}


class Record:
    """The fields of one kind of mapping. `read` checks each field and every
    key it does not know, and returns the values with their places."""

    def __init__(self, what: str, fields: Mapping[str, Field[Any]], named_by: str = "",
                 extra: Iterable[str] = ()) -> None:
        self.what, self.fields, self.named_by, self.extra = what, dict(fields), named_by, frozenset(extra)

    def read(self, data: LocatedDict, path: Path, problems: list[Problem], what: str = "") -> Values:
        """The record's values; `what` names this one in messages ("view
        'europe'"), when its name is its key rather than a field."""
        values = Values(data, path, what or self.what, problems)
        for key, field in self.fields.items():
            values.read(key, field)
            if key == self.named_by and values[key]:
                values.what = f"{self.what} '{values[key]}'"
        known = set(self.fields) | self.extra
        for key in data:
            if key not in known:
                values.error(str(key), f"unknown field '{key}' in {values.what}{suggest(str(key), known)}")
        return values


class Values(Mapping[str, Any]):
    """What a record read: each field's value (its default where it was
    missing or invalid), where it stood, and `error` for the checks a
    loader makes across fields."""

    def __init__(self, data: LocatedDict, path: Path, what: str, problems: list[Problem]) -> None:
        self.data, self.path, self.what, self.problems = data, path, what, problems
        self.read_values: dict[str, Any] = {}
        self.valid: set[str] = set()

    def read(self, key: str, field: Field[Any]) -> None:
        if key not in self.data:
            if field.required:
                self.error(None, f"{self.what} has no '{key}'")
            self.read_values[key] = field.default
            return
        try:
            self.read_values[key] = field.read(self.data[key])
            self.valid.add(key)
        except Invalid as exc:
            self.error(key, str(exc).replace("{key}", key))
            self.read_values[key] = field.default

    def given(self, key: str) -> bool:
        """The field is there and valid."""
        return key in self.valid

    def at(self, key: str | None = None) -> Location:
        return Location(self.path, self.data.line_of(key) if key else self.data.line)

    def error(self, key: str | None, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.at(key), message, severity=severity))

    def __getitem__(self, key: str) -> Any:
        return self.read_values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.read_values)

    def __len__(self) -> int:
        return len(self.read_values)


def read_dotted(data: LocatedDict, dotted: str, field: Field[Any], path: Path, problems: list[Problem]) -> Any:
    """The value at `dotted` ("cover.title") read by `field`; a problem at
    the line of the deepest key that is there when part of the way is not."""
    *parents, last = dotted.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, LocatedDict):
            if field.required:
                problems.append(Problem(Location(path, node.line_of(part)), f"'{dotted}' is missing"))
            return field.default
        node = child
    values = Values(node, path, "", problems)
    if last not in node:
        if field.required:
            problems.append(Problem(Location(path, node.line), f"'{dotted}' is missing"))
        return field.default
    try:
        return field.read(node[last])
    except Invalid as exc:
        values.error(last, str(exc).replace("{key}", dotted))
        return field.default


def items(data: Any, path: Path, what: str, problems: list[Problem]) -> list[LocatedDict]:
    """The mappings of a YAML list of records; a problem for anything else."""
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(Location(path), f"expected a list of {what}s at the top of the file"))
        return []
    out = []
    for index, item in enumerate(data, start=1):
        if isinstance(item, LocatedDict):
            out.append(item)
        else:
            problems.append(Problem(Location(path), f"{what} #{index} is not a mapping"))
    return out
