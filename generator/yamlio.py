"""Reading YAML so that every mapping remembers where it stood.

PyYAML drops source positions once it has built Python objects; later stages
need them to say where a passage came from (`content/passages/x.yaml:14`).
This module builds mappings as `LocatedDict`s that carry their own line and
the line of each key, and turns every way a file can be unreadable (missing,
not UTF-8, empty, bad YAML) into a `Problem` with a place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Problem

# How a file that does not parse is reported (content.py reports only these then).
YAML_SYNTAX = "YAML syntax error"

try:  # the C parser is several times faster; marks are kept either way
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class LocatedDict(dict[str, Any]):
    """A mapping from a YAML file, with `line` (of the mapping) and
    `key_lines` (line of each key), both 1-based."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    duplicates: list[tuple[int, str]]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result.key_lines:
            loader.duplicates.append((line, str(key)))
        result.key_lines[key] = line
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # 2013-06-31 looks like a date to YAML, and PyYAML raises a bare
    # ValueError for it; keep the text so validation can say where it is.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """Parse one YAML file. Returns None (and appends a Problem) when the file
    cannot be used at all; appends problems for duplicate keys and goes on."""
    where = Location(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(where, "file not found"))
        return None
    except OSError as exc:
        problems.append(Problem(where, f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(Location(path, line), f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        )
        return None
    if not text.strip():
        problems.append(Problem(where, "file is empty"))
        return None
    loader = _Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = f", column {mark.column + 1}" if mark else ""
        reason = exc.problem or exc.context or "invalid YAML"
        problems.append(Problem(Location(path, line), f"{YAML_SYNTAX}{column}: {reason}"))
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a raw control character
        line = text[: exc.position].count("\n") + 1
        problems.append(Problem(Location(path, line), f"{YAML_SYNTAX}: character U+{exc.character:04X} is not "
                                                      "allowed in YAML (write it as an escape, or leave it out)"
                                if isinstance(exc.character, int) else f"{YAML_SYNTAX}: {exc.reason}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(where, f"YAML error: {' '.join(str(exc).split())}"))
        return None
    finally:
        loader.dispose()
    for line, key in loader.duplicates:
        problems.append(Problem(Location(path, line), f"duplicate key '{key}'"))
    if data is None:
        problems.append(Problem(where, "file holds no data (only comments?)"))
    return data
