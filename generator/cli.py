"""The `briefing` command. Parses arguments, calls the library, and is the one
place where errors become messages and exit codes:

    0  success
    1  content error, selection that matches nothing, build or output error
    2  usage error (bad option, unknown id or format)

No traceback is printed unless --debug is given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .build import JobResult, build_briefings, build_date
from .catalogue import catalogue
from .compose import DEFAULT_MARKING, Edition
from .content import Content, load_content
from .errors import BriefingError, ContentError
from .select import kind_plural, parse_selectors, select
from .taxonomy import SELECTOR_KINDS
from .writers import parse_formats

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = PROJECT / "content"
DEFAULT_TEMPLATES = PROJECT / "templates"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Usage(f"{self.prog}: {message}")


class _Usage(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="briefing", description="Tailored briefings from the Dutch International Security "
                                             "Strategy (Kamerstukken II 2012/13, 33 694, nr. 1).")
    p.add_argument("--version", action="version", version=f"briefing {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--content", type=Path, default=DEFAULT_CONTENT, metavar="DIR",
                        help="content folder (default: content/ of this project)")

    def selectors(sp: argparse.ArgumentParser) -> None:
        for kind in SELECTOR_KINDS:
            sp.add_argument(f"--{kind}", action="append", default=[], metavar="ID",
                            help=f"{kind} id or Dutch alias (repeatable; see 'briefing list {kind_plural(kind)}')")

    b = sub.add_parser("build", help="build one briefing, or the whole catalogue with --all")
    selectors(b)
    b.add_argument("--all", action="store_true", help="build the catalogue: every region, theme, ministry "
                                                     "and the combinations in content/catalogue.yaml")
    b.add_argument("--format", default="pdf,docx,html", help="comma-separated: pdf,docx,html (default: all)")
    b.add_argument("--out", type=Path, default=Path("build"), metavar="DIR", help="output folder (default: build/)")
    b.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES, metavar="DIR",
                   help="templates folder (default: templates/ of this project)")
    b.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel worker processes (default: number of cores)")
    b.add_argument("--force", action="store_true", help="rebuild even when inputs are unchanged")
    b.add_argument("--marking", default=DEFAULT_MARKING, help=f"classification marking (default: {DEFAULT_MARKING})")
    b.add_argument("--quiet", action="store_true", help="print only errors and the summary")
    common(b)

    ls = sub.add_parser("list", help="list regions, themes and ministries with their ids")
    ls.add_argument("what", nargs="?", choices=("regions", "themes", "ministries"), help="only this kind")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    common(ls)

    c = sub.add_parser("check", help="validate content/ and report every problem")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    common(c)

    e = sub.add_parser("explain", help="show which passages a briefing holds and why")
    selectors(e)
    common(e)
    return p


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = _parser().parse_args(argv)
        command = {"build": _build, "list": _list, "check": _check, "explain": _explain}[args.command]
        return command(args, out, err)
    except _Usage as exc:
        print(f"{exc}\n(see 'briefing --help')", file=err)
        return 2
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except BriefingError as exc:
        for message in exc.messages():
            print(message, file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return 130
    except Exception as exc:  # a bug: say so plainly, trace only on request
        if debug:
            traceback.print_exc(file=err)
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=err)
        return 1


def _load(args: argparse.Namespace, err: TextIO) -> Content:
    content = load_content(args.content)
    for warning in content.warnings:
        print(warning, file=err)
    return content


def _pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    return [(kind, value) for kind in SELECTOR_KINDS for value in getattr(args, kind)]


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    formats = parse_formats(args.format)
    if args.jobs < 1:
        raise _Usage("briefing build: -j must be at least 1")
    if args.all == bool(_pairs(args)):
        raise _Usage("briefing build: give --all, or one or more of --region, --theme, --ministry")
    content = _load(args, err)
    wanted = catalogue(content) if args.all else [parse_selectors(content, _pairs(args))]
    edition = Edition(date=build_date(), marking=args.marking, templates=args.templates)
    progress = None if args.quiet else _Progress(err, len(wanted))
    results = build_briefings(content, wanted, formats, args.templates, args.out, edition, workers=args.jobs,
                              force=args.force, progress=progress, whole_catalogue=args.all)
    if progress:
        progress.finish()
    built = sum(1 for r in results if not r.skipped)
    skipped = len(results) - built
    files = sum(len(r.files) for r in results if not r.skipped)
    print(f"{built} briefing(s) built ({files} files), {skipped} up to date, in {args.out}/", file=out)
    if not args.all:
        for result in results:
            for info in result.files:
                print(f"  {args.out / info.name}", file=out)
    return 0


class _Progress:
    """A one-line bar on a terminal; one plain line per briefing otherwise
    (cron mail and CI logs read better without carriage returns)."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream, self.total = stream, total
        self.tty = stream.isatty()
        self.shown = False

    def __call__(self, result: JobResult, done: int, total: int) -> None:
        if result.skipped and not self.tty:
            return
        if self.tty:
            width = 30
            filled = int(width * done / max(total, 1))
            line = f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} {result.id[:40]:<40}"
            self.stream.write(line)
            self.stream.flush()
            self.shown = True
        elif result.error:
            print(f"FAILED {result.id}: {result.error}", file=self.stream)
        else:
            formats = ", ".join(f.format for f in result.files)
            print(f"built {result.id} ({formats}) in {result.seconds:.1f}s", file=self.stream)

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")


def _list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    content = _load(args, err)
    kinds = [k for k in SELECTOR_KINDS if args.what in (None, kind_plural(k))]
    if args.json:
        data = {kind_plural(k): [
            {"id": e.id, "label_nl": e.label_nl, "label_en": e.label_en, "aliases": list(e.aliases),
             "description": e.description,
             "passages": sum(1 for p in content.passages if e.id in p.tags(k))}
            for e in content.taxonomies[k].entries] for k in kinds}
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    for kind in kinds:
        print(f"{kind_plural(kind)}:", file=out)
        for e in content.taxonomies[kind].entries:
            n = sum(1 for p in content.passages if e.id in p.tags(kind))
            print(f"  {e.id:<26} {e.label_nl} ({n} passages)", file=out)
    return 0


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        content = load_content(args.content)
    except ContentError as exc:
        for message in exc.messages():
            print(message, file=err)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        print(f"{errors} error(s), {len(exc.problems) - errors} warning(s) in {args.content}", file=err)
        return 1
    for warning in content.warnings:
        print(warning, file=err)
    if args.strict and content.warnings:
        print(f"{len(content.warnings)} warning(s), treated as errors (--strict)", file=err)
        return 1
    print(f"{args.content}: {len(content.passages)} passages, {len(content.figures)} figures, "
          f"{len(content.commitments)} commitments, {len(content.key_messages)} key messages; "
          f"{len(content.warnings)} warning(s), no errors", file=out)
    return 0


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    content = _load(args, err)
    selection = select(content, parse_selectors(content, _pairs(args)))
    labels = " + ".join(f"{e.kind} {e.label_nl}" for e in selection.subjects)
    print(f"{selection.id}: {len(selection.passages)} passages ({labels})", file=out)
    for passage in (*selection.passages, *selection.footnotes):
        reasons = "; ".join(r.note for r in selection.reasons[passage.id])
        where = " > ".join((content.chapter(passage.chapter).heading, *passage.section))
        print(f"  {passage.id:<16} p. {passage.pages:<6} {reasons:<36} {where}", file=out)
        print(f"  {'':<16} {passage.location}", file=out)
    print(f"  + {len(selection.figures)} key figures, {len(selection.commitments)} commitments, "
          f"{len(selection.key_messages)} key messages", file=out)
    return 0


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
