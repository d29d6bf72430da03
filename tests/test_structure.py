"""The package's shape: data flows one way, so no two modules import each
other, not even lazily (an import inside a function counts)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "generator"


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The generator modules `name` imports anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                target = f"{module}.{alias.name}"
                found.add(target if target in known else module)
    return {m for m in found if m in known and m != name}


def test_no_two_modules_import_each_other() -> None:
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    assert len(graph) > 40 and "generator.render" in graph["generator.build"]
    pairs = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in graph[b]})
    assert pairs == []


def test_the_render_core_imports_none_of_its_users() -> None:
    known = modules()
    core = imports("generator.render", known["generator.render"], known)
    assert not {m for m in core if m.startswith(("generator.build", "generator.serve", "generator.runners",
                                                 "generator.cli"))}


def test_every_registered_format_has_its_writer_and_its_words() -> None:
    from generator.formats import REGISTRY
    from generator.labels import load_labels

    words = load_labels("nl")
    for entry in REGISTRY.values():
        writer = entry.writer_class()
        assert (writer.format, writer.suffix) == (entry.id, entry.extension)
        assert words.text(f"{entry.label}.name") and words.text(f"{entry.label}.action")


def test_word_xml_is_built_as_elements_never_pasted_from_strings() -> None:
    """Issue 23: text from outside the project (a ministry's notes) reaches
    Word only as an element's text or an attribute's value."""
    source = (PACKAGE / "writers" / "docx.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    markup = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
              and "<w:" in node.value]
    assert markup == []
    assert "parse_xml" not in source and "quoteattr" not in source
