"""The `briefing` command. Parses arguments, calls the library, and is the one
place where errors become messages and exit codes:

    0    success
    1    content error, selection that matches nothing, build or output error,
         unusable signing key
    2    usage error (bad option, unknown id, format or PDF variant, invalid marking)
    130  build interrupted by Ctrl-C (SIGINT); 143 by SIGTERM
    141  the reader of standard output went away (a closed pipe)

No traceback is printed unless --debug is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import signal
import sys
import textwrap
import threading
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

# Only what parsing the arguments needs is imported here: a build that will
# fork workers starts their forkserver (and its imports, 0.6 s) before this
# process imports content, notes and selection (see _start_workers_early).
from . import __version__, cachedir, outputs, phases
from .compat.forkserver import main_is_package
from .errors import BriefingError, ContentError, Interrupted, SelectionError, UnknownSubject, suggest
from .formats import DEFAULT_FORMATS, FORMATS, apart, parse_formats
from .lifecycle import exit_within
from .query import QUERY
from .taxonomy import SELECTOR_KINDS, kind_plural

if TYPE_CHECKING:  # the build machinery is imported by the commands that build, not by list or explain
    from .build import BuildReport, JobResult
    from .classification import Level
    from .content import Content
    from .notes import Note

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = PROJECT / "content"
DEFAULT_TEMPLATES = PROJECT / "templates"


class _Parser(argparse.ArgumentParser):
    """No abbreviated options (`--sign s3cret` must not become --sign-key),
    and errors that never repeat a value the user typed after an unknown
    option: it may be a secret."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        head, found, rest = message.partition("unrecognized arguments: ")
        if found:
            options = [word for word in rest.split() if word.startswith("-")]
            message = f"{head}unrecognized arguments: {' '.join(options) or '(values not shown)'}"
            if len(options) != len(rest.split()):
                message += " (values not shown)"
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

    def notes(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--notes", type=Path, action="append", default=[], metavar="DIR",
                        help="a folder of the ministry's notes (repeatable; see README, 'Notes and classification')")
        sp.add_argument("--clearance", metavar="LEVEL",
                        help="admit notes up to this level of content/classification.yaml (default: the lowest, "
                             "Openbaar)")

    def selectors(sp: argparse.ArgumentParser) -> None:
        for kind in SELECTOR_KINDS:
            sp.add_argument(f"--{kind}", action="append", default=[], metavar="ID",
                            help=f"{kind} id or Dutch alias (repeatable; see 'briefing list {kind_plural(kind)}')")
        sp.add_argument("--query", action="append", default=[], metavar="TEXT",
                        help='any word or "phrase" of the strategy, with OF/OR and -exclusions (repeatable: they '
                             "unite; with --region/--theme/--ministry they intersect; see README, 'Ad hoc subjects')")

    b = sub.add_parser("build", help="build one briefing, or the whole catalogue with --all")
    selectors(b)
    b.add_argument("--all", action="store_true", help="build the catalogue: every region, theme, ministry "
                                                     "and the combinations in content/catalogue.yaml")
    b.add_argument("--matrix", action="store_true",
                   help="the catalogue and every pairing content/catalogue.yaml's 'matrix:' asks for (region × "
                        "theme, ministry × region) that holds passages; implies --all")
    b.add_argument("--format", default=",".join(DEFAULT_FORMATS),
                   help=f"comma-separated, of: {','.join(FORMATS)} (default: {','.join(DEFAULT_FORMATS)})")
    b.add_argument("--out", type=Path, default=Path("build"), metavar="DIR", help="output folder (default: build/)")
    b.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES, metavar="DIR",
                   help="templates folder (default: templates/ of this project)")
    b.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel worker processes (default: number of cores); with 2 or more, one briefing "
                        "renders its PDF in a worker while the command renders its other formats")
    b.add_argument("--scheduler", default=os.environ.get("BRIEFING_SCHEDULER") or None, metavar="ADDRESS",
                   help="render on the Dask cluster of this scheduler, e.g. tcp://10.0.0.5:8786 (default: "
                        "$BRIEFING_SCHEDULER, else local worker processes; needs briefing[cluster])")
    b.add_argument("--force", action="store_true", help="rebuild even when inputs are unchanged")
    b.add_argument("--marking", metavar="LEVEL",
                   help="raise every briefing's marking to this level (default: the highest level of what each "
                        "holds; never lower)")
    notes(b)
    b.add_argument("--lang", metavar="LANG[,LANG]", default="",
                   help="the edition's language: 'en' prints each passage in the Dutch original with an unofficial "
                        "English translation, in files named region-sahel.en.pdf; 'nl,en' builds both (default: the "
                        "strategy's own, Dutch)")
    b.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                   help="edition date every briefing shows (default: the date each briefing's content last "
                        "changed)")
    b.add_argument("--wait", action="store_true", help="wait for a build running in the same folder instead "
                                                       "of exiting")
    b.add_argument("--prune", action="store_true", help="with --all: remove briefings no longer in the catalogue")
    b.add_argument("--dry-run", action="store_true", help="say what would be built and removed; write nothing")
    b.add_argument("--quiet", action="store_true", help="print only errors and the summary")
    b.add_argument("--pdf-variant", metavar="NAME",
                   help="pdf/ua-1 (default, accessible), pdf/a-2a (archival and tagged), or another WeasyPrint "
                        "variant: pdf/a-1b … pdf/a-4f, pdf/ua-2, pdf/x-1a … pdf/x-5g")
    b.add_argument("--sign-key", type=Path, metavar="FILE",
                   help="PKCS#12 key to sign PDFs with (default: $BRIEFING_SIGN_KEY; the passphrase comes from "
                        "$BRIEFING_SIGN_PASSPHRASE or the file $BRIEFING_SIGN_PASSPHRASE_FILE)")
    b.add_argument("--sums-key", metavar="KEYID",
                   help="gpg key to sign SHA256SUMS with (default: $BRIEFING_GPG_KEY; keyring in $GNUPGHOME)")
    b.add_argument("--base-url", default="", metavar="URL",
                   help="where the folder is published, for absolute links in feed.xml (default: relative links)")
    common(b)

    sv = sub.add_parser("serve", help="serve a web page and HTTP API that build briefings on demand")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    sv.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                    help="rendering worker processes (default: number of cores)")
    sv.add_argument("--cache", type=Path, default=Path(".briefing-cache"), metavar="DIR",
                    help="cache folder for rendered files (default: .briefing-cache/)")
    sv.add_argument("--cache-size", type=int, default=512, metavar="MB", help="cache size limit (default: 512)")
    sv.add_argument("--warm", type=Path, metavar="DIR",
                    help="a folder built by 'briefing build --all', served read-only as a warm cache")
    sv.add_argument("--queue", type=int, default=16, metavar="N",
                    help="renders that may wait for a worker before requests get 429 (default: 16)")
    sv.add_argument("--deadline", type=float, default=60.0, metavar="S",
                    help="seconds a render may take before its request gets 503 (default: 60)")
    sv.add_argument("--max-connections", type=int, default=1000, metavar="N",
                    help="open connections at most; one more is answered 503 at once (default: 1000, and below "
                         "the process's file limit)")
    sv.add_argument("--header-timeout", type=float, default=10.0, metavar="S",
                    help="seconds a client has to send a request's headers before it gets 408 (default: 10)")
    sv.add_argument("--keep-alive", type=int, default=5, metavar="S",
                    help="seconds an idle connection is kept open for its next request (default: 5)")
    sv.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES, metavar="DIR",
                    help="templates folder (default: templates/ of this project)")
    sv.add_argument("--base-url", metavar="URL", default="",
                    help="the address people reach the server at, for the stable links the page shows "
                         "(default: links are paths; never taken from a request's Host)")
    notes(sv)
    sv.add_argument("--auth-config", type=Path, metavar="FILE",
                    help="who may have what: a TOML file with the users (or the trusted proxy), their groups' "
                         "clearances and the audit log; needed above Openbaar (see README, 'On demand')")
    common(sv)

    pw = sub.add_parser("passwd", help="print an argon2 hash of a password for the server's users file")
    pw.add_argument("user", help="the user name the line is for")

    ls = sub.add_parser("list", help="list regions, themes and ministries with their ids")
    ls.add_argument("what", nargs="?", choices=("regions", "themes", "ministries"), help="only this kind")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    common(ls)

    c = sub.add_parser("check", help="validate content/ (and --notes folders) and report every problem")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    notes(c)
    common(c)

    e = sub.add_parser("explain", help="show which passages and notes a briefing holds and why")
    selectors(e)
    notes(e)
    common(e)

    n = sub.add_parser("notes", help="list or check the ministry's notes")
    n.add_argument("action", choices=("list", "check"), help="list the notes admitted, or check them all")
    n.add_argument("--subject", action="append", default=[], metavar="ID",
                   help="only notes about this region, theme or ministry (repeatable)")
    notes(n)
    common(n)
    return p


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    phases.started()
    out, err = stdout or sys.stdout, stderr or sys.stderr
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = _parser().parse_args(argv)
        _check_cache_folder(err)
        command = {"build": _build, "serve": _serve, "list": _list, "check": _check,
                   "explain": _explain, "notes": _notes, "passwd": _passwd}[args.command]
        code = command(args, out, err)
        out.flush()  # here, not at exit, so that a closed pipe is handled below
        return code
    except _Usage as exc:
        print(f"{exc}\n(see 'briefing --help')", file=err)
        return 2
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except BriefingError as exc:
        for message in exc.messages():
            print(message + _hint(exc), file=err)
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`briefing list | head -2`): stop quietly, as
        # Unix tools do, and keep Python from complaining at exit.
        if out is sys.stdout:
            with suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt as exc:
        print("interrupted", file=err)
        return 143 if isinstance(exc, Interrupted) else 130
    except Exception as exc:  # a bug: say so plainly, trace only on request
        if debug:
            traceback.print_exc(file=err)
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=err)
        return 1


def _hint(exc: BriefingError) -> str:
    """Where on the command line to look next (the library does not know
    it is run from one)."""
    if isinstance(exc, UnknownSubject):
        return f" (see 'briefing list {kind_plural(exc.kind)}')"
    if isinstance(exc, SelectionError):
        return " ('briefing explain' shows what each one holds)"
    return ""


def _load(args: argparse.Namespace, err: TextIO) -> Content:
    from .content import load_content

    with phases.phase("load content"):
        content = load_content(args.content)
    for warning in content.warnings:
        print(warning, file=err)
    return content


def _admitted(args: argparse.Namespace, content: Content, err: TextIO) -> tuple[Level, tuple[Note, ...]]:
    """The clearance and the notes it admits. A note past its valid_until is
    left out with a warning; nothing is said of notes above the clearance."""
    from .dates import build_date
    from .notes import check_clearance, load_notes

    clearance = check_clearance(content.scale, args.clearance)
    expired: list[Note] = []
    admitted = load_notes(args.notes, content, clearance, build_date(), expired)
    for note in expired:
        print(f"warning: {note.location}: note '{note.id}' expired on {note.valid_until}; left out", file=err)
    return clearance, admitted


def _notes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .notes import subject_of
    from .select import parse_selectors

    content = _load(args, err)
    if not args.notes:
        raise _Usage("briefing notes: give --notes DIR (a folder with _folder.yaml)")
    clearance, admitted = _admitted(args, content, err)
    wanted = [parse_selectors(content, [subject_of(content, text)])[0] for text in args.subject]
    shown = [n for n in admitted if not wanted or any((s.kind, s.id) in n.subjects for s in wanted)]
    if args.action == "list":
        for note in shown:
            about = ", ".join([f"{k} {i}" for k, i in note.subjects] + [f"passage {p}" for p in note.passages])
            print(f"{note.id:<24} {note.level.name:<28} {note.date}  {note.unit:<12} {about}", file=out)
    print(f"{len(shown)} note(s) up to {clearance.name}, no errors", file=out if args.action == "check" else err)
    return 0


def _pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    return [(kind, value) for kind in (*SELECTOR_KINDS, QUERY) for value in getattr(args, kind)]


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    formats = parse_formats(args.format)
    if args.jobs < 1:
        raise _Usage("briefing build: -j must be at least 1")
    args.all = args.all or args.matrix
    if args.all == bool(_pairs(args)):
        raise _Usage("briefing build: give --all or --matrix, or one or more of --region, --theme, --ministry, "
                     "--query")
    if args.prune and not args.all:
        raise _Usage("briefing build: --prune goes with --all (it removes what the catalogue no longer holds)")
    _start_workers_early(args, formats)
    # Forked before the signing keys, the content and the notes are read: the
    # worker holds none of them, only the tasks it is sent (no key, ever).
    with _worker_ahead(args, formats):
        from .publish import configure

        # Keys are checked before content is read or anything rendered.
        publishing = configure(os.environ, pdf_variant=args.pdf_variant, pdf_key=args.sign_key,
                               sums_key=args.sums_key, base_url=args.base_url)
        content = _load(args, err)
        clearance, admitted = _admitted(args, content, err)
        languages = _languages(args.lang, content, args.templates)
        from .build import Options, build_briefings
        from .catalogue import catalogue
        from .compose import Edition
        from .dates import build_date
        from .select import parse_selectors

        edition = Edition(date=build_date(), marking=args.marking, templates=args.templates, notes=admitted,
                          language=languages[0])
        wanted = catalogue(content, matrix=args.matrix) if args.all else [parse_selectors(content, _pairs(args))]
        options = Options(formats=formats, workers=args.jobs, force=args.force, prune=args.prune,
                          dry_run=args.dry_run, wait=args.wait, whole_catalogue=args.all, date=args.date,
                          scheduler=args.scheduler, publishing=publishing, clearance=clearance.id,
                          languages=languages)
        reporter = _Reporter(err, quiet=args.quiet)
        with _sigterm_interrupts():
            report = build_briefings(content, wanted, args.templates, args.out, edition, options, reporter)
    reporter.finish()
    return _summarise(report, args, out, err, reporter)


def _start_workers_early(args: argparse.Namespace, formats: tuple[str, ...]) -> None:
    """A cold build of the whole catalogue on local workers renders
    everything: start the forkserver that loads the writers for them now
    (runners/local.py), as soon as the arguments are read: before this
    process imports and reads its content and notes, imports the build
    machinery and plans, which the forkserver's imports (0.6 s) would
    otherwise wait for. The same decision as build.build_briefings takes
    later, for a folder without a manifest; it then finds the forkserver
    running. Should the command stop before it starts a worker (a usage
    or content error), the forkserver is killed as it exits
    (compat/forkserver.stop)."""
    if not (args.all or args.matrix) or args.jobs < 2 or args.scheduler or args.dry_run:
        return
    if not args.force and (args.out / outputs.MANIFEST).exists():
        return
    with phases.phase("start workers"):
        from .runners import local

        local.prepare(set(formats), pictures=not cachedir.pictures_stored(args.out))


@contextmanager
def _worker_ahead(args: argparse.Namespace, formats: tuple[str, ...]) -> Iterator[None]:
    """A build of one briefing, with -j 2 or more, in formats of which some
    are rendered apart (the registry's `apart`: the PDF) and some not: fork
    the worker that will render those now, so that it imports their
    library while this process reads its content and plans, then renders
    them while this process renders the others (runners/local.AheadRunner).
    Whatever ends the block, a worker no build took is stopped."""
    away = apart(formats)
    if args.all or args.jobs < 2 or args.scheduler or args.dry_run or not away \
            or len([part for part in args.lang.split(",") if part.strip()]) > 1:
        yield
        return
    from .runners import local

    with phases.phase("start workers"):
        local.fork_ahead(set(away), args.templates, args.pdf_variant, args.out / outputs.PICTURE_STORE,
                         pictures=not cachedir.pictures_stored(args.out))
    try:
        yield
    finally:
        local.drop_ahead()


def _languages(given: str, content: Content, templates: Path) -> tuple[str, ...]:
    """The languages of --lang, each with its label catalogue and, unless
    it is the strategy's own, its translation of the strategy."""
    from .labels import LABELS_DIR

    own = content.document.language
    asked = [part.strip().lower() for part in given.split(",") if part.strip()] or [own]
    if len(set(asked)) != len(asked):
        raise _Usage(f"briefing build: --lang names a language twice: '{given}'")
    for language in asked:
        if not (templates / LABELS_DIR / f"{language}.yaml").is_file():
            available = sorted(p.stem for p in (templates / LABELS_DIR).glob("*.yaml"))
            raise _Usage(f"briefing build: --lang '{language}': there is no label catalogue "
                         f"{templates / LABELS_DIR / (language + '.yaml')}{suggest(language, available)} "
                         f"(available: {', '.join(available)})")
        if language != own and language not in content.translations:
            raise _Usage(f"briefing build: --lang '{language}': the content has no translation into it "
                         f"({content.root / 'translations' / language}/)")
    return tuple(asked)


def _summarise(report: BuildReport, args: argparse.Namespace, out: TextIO, err: TextIO,
               reporter: _Reporter) -> int:
    folder = f"{args.out}/"
    say = reporter.stamped
    if report.dry_run:
        for result in report.results:
            if result.built:
                print(f"would build {result.id} ({', '.join(result.built)})", file=out)
        for name in report.removed:
            print(f"would remove {args.out / name}", file=out)
        for bid in report.not_asked:
            print(f"not in the catalogue any more: {bid} (--prune would remove it)", file=out)
        print(f"dry run: {sum(1 for r in report.results if r.built)} briefing(s) would be built, "
              f"{report.up_to_date} up to date, {len(report.removed)} file(s) would be removed", file=out)
        return 0
    for name in report.removed:
        say(err, f"removed {args.out / name}")
    if report.not_asked:
        say(err, f"{len(report.not_asked)} briefing(s) in {folder} are not in the catalogue any more "
                 f"({', '.join(report.not_asked[:5])}{', …' if len(report.not_asked) > 5 else ''}); "
                 "--prune removes them")
    for result in report.failed:
        say(err, f"FAILED {result.id}: {result.error}")
    files = sum(len(r.built) for r in report.results)
    not_done = f", {len(report.not_done)} not built (interrupted)" if report.interrupted else ""
    say(out, f"{report.total} briefing(s): {report.built} built, {report.up_to_date} up to date, "
             f"{len(report.failed)} failed{not_done}; {files} file(s) written in {folder}")
    if not args.all and not report.interrupted:
        for result in report.results:
            for info in result.files:
                print(f"  {args.out / info['name']}", file=out)
    if report.interrupted:
        say(err, f"interrupted ({report.interrupted}): {len(report.not_done)} briefing(s) not built; "
                 f"what was finished is kept and listed in {args.out / 'manifest.json'}")
        return 143 if report.interrupted == "SIGTERM" else 130
    return 1 if report.failed else 0


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if (args.workers < 1 or args.queue < 0 or args.deadline <= 0 or args.cache_size < 1 or args.max_connections < 1
            or args.header_timeout <= 0 or args.keep_alive <= 0):
        raise _Usage("briefing serve: --workers, --cache-size and --max-connections must be at least 1, --queue at "
                     "least 0, --deadline, --header-timeout and --keep-alive positive")
    if args.base_url and urlsplit(args.base_url).scheme not in ("http", "https"):
        raise _Usage(f"briefing serve: --base-url must be an http(s) URL, not '{args.base_url}'")
    from .notes import check_clearance
    from .serve import run  # the web stack is loaded only by this command
    from .serve.auth import load_auth

    content = _load(args, err)
    clearance = check_clearance(content.scale, args.clearance)
    if clearance > content.scale.lowest and args.auth_config is None:
        raise _Usage(f"briefing serve: --clearance {clearance.id} needs --auth-config FILE: above "
                     f"{content.scale.lowest.name}, who asks must be known (see README, 'On demand')")
    if args.notes and args.auth_config is None and clearance == content.scale.lowest:
        print(f"note: without --auth-config, notes are served up to {clearance.name} only", file=err)
    auth = load_auth(args.auth_config, content.scale) if args.auth_config else None
    _, admitted = _admitted(args, content, err)
    run(content, args.templates, args.cache, host=args.host, port=args.port, workers=args.workers,
        queue=args.queue, deadline=args.deadline, cache_mb=args.cache_size, warm=args.warm, log=err,
        base_url=args.base_url, max_connections=args.max_connections, header_timeout=args.header_timeout,
        keep_alive=args.keep_alive, notes=admitted, clearance=clearance, auth=auth)
    return 0


def _passwd(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """A users-file entry: the password is read from the terminal (twice),
    or from the first line of standard input when that is not a terminal."""
    import getpass

    from .serve.auth import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.user}: ")
        if getpass.getpass("again: ") != password:
            raise _Usage("briefing passwd: the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 12:
        raise _Usage("briefing passwd: a password of at least 12 characters, please")
    name = json.dumps(args.user, ensure_ascii=False)
    print(f"[users.{name}]\npassword = \"{hash_password(password)}\"\ngroups = []", file=out)
    return 0


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written as YYYY-MM-DD") from None


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a supervisor, `kill`, a container stop) stops a build the way
    Ctrl-C does: what is finished is kept and recorded."""
    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Reporter:
    """A one-line bar on a terminal; otherwise one plain line per briefing
    built, each with a UTC timestamp (cron mail and CI logs read better
    without carriage returns, and say when things happened)."""

    def __init__(self, stream: TextIO, quiet: bool = False) -> None:
        self.stream, self.quiet = stream, quiet
        self.tty = stream.isatty()
        self.shown = False

    def stamped(self, stream: TextIO, line: str) -> None:
        if self.shown:  # end the progress bar's line first
            self.stream.write("\n")
            self.shown = False
        stamp = "" if stream.isatty() else dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ ")
        print(f"{stamp}{line}", file=stream, flush=True)

    def note(self, message: str) -> None:
        self.stamped(self.stream, message)

    def briefing(self, result: JobResult, done: int, total: int) -> None:
        if self.quiet:
            return
        if self.tty:
            width = 30
            filled = int(width * done / max(total, 1))
            self.stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} {result.id[:40]:<40}")
            self.stream.flush()
            self.shown = True
        elif result.error:
            self.stamped(self.stream, f"FAILED {result.id}: {result.error} [{done}/{total}]")
        elif result.built:
            self.stamped(self.stream, f"built {result.id} ({', '.join(result.built)}) in {result.seconds:.1f}s "
                                      f"[{done}/{total}]")

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.shown = False


def _list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .select import Selector, passage_count

    content = _load(args, err)
    kinds = [k for k in SELECTOR_KINDS if args.what in (None, kind_plural(k))]
    counts = {(k, e.id): passage_count(content, Selector(k, e.id)) for k in kinds
              for e in content.taxonomies[k].entries}
    if args.json:
        data = {kind_plural(k): [
            {"id": e.id, "label_nl": e.label_nl, "label_en": e.label_en, "aliases": list(e.aliases),
             "description": e.description, "passages": counts[k, e.id]}
            for e in content.taxonomies[k].entries] for k in kinds}
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    for kind in kinds:
        print(f"{kind_plural(kind)}:", file=out)
        for e in content.taxonomies[kind].entries:
            print(f"  {e.id:<26} {e.label_nl} ({counts[kind, e.id]} passages)", file=out)
    return 0


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .content import load_content
    from .select import Selector, select

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
    # A standing query of catalogue.yaml must find something in the strategy.
    missing = []
    for entry in content.catalogue:
        for kind, text in entry.selectors:
            if kind == QUERY:
                try:
                    select(content, (Selector(QUERY, text),))
                except SelectionError as exc:
                    missing.append(f"{entry.location}: standing query '{text}': {exc}")
    if missing:
        print("\n".join(missing), file=err)
        return 1
    if args.notes:  # their problems, and the notes that expired
        _admitted(args, content, err)
    if args.strict:  # drafts are not errors; --strict lists them, for whoever reviews translations
        for translation in content.translations.values():
            drafts = translation.drafts()
            if drafts:
                print(textwrap.fill(f"{translation.name}: {len(drafts)} of {len(translation.passages)} passage "
                                    f"translations are drafts, not yet checked by a bilingual reader: "
                                    f"{', '.join(drafts)}", width=100, break_on_hyphens=False), file=out)
            others = Counter(key.split("/")[0] for key in translation.record_drafts())
            if others:
                print(f"{translation.name}: drafts besides: " + ", ".join(f"{n} in {name}.yaml"
                                                                       for name, n in sorted(others.items())),
                      file=out)
    if args.strict and content.warnings:
        print(f"{len(content.warnings)} warning(s), treated as errors (--strict)", file=err)
        return 1
    translated = "".join(f", {t.name} translations of {len(t.passages)}" for t in content.translations.values())
    print(f"{args.content}: {len(content.passages)} passages{translated}, {len(content.figures)} figures, "
          f"{len(content.commitments)} commitments, {len(content.key_messages)} key messages; "
          f"{len(content.warnings)} warning(s), no errors", file=out)
    return 0


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .search import matcher
    from .select import parse_selectors, select

    content = _load(args, err)
    _, admitted = _admitted(args, content, err)
    selection = select(content, parse_selectors(content, _pairs(args)), admitted)
    labels = " + ".join([*(f"{e.kind} {e.label_nl}" for e in selection.subjects),
                         *(f"query '{q}'" for q in selection.queries)])
    print(f"{selection.id}: {len(selection.passages)} passages ({labels})", file=out)
    for text in selection.queries:  # which words of the strategy each term found
        found = matcher(text, content)
        for term, forms in found.found_words().items():
            print(f"  query term '{term}' finds: {', '.join(forms) or '(no word of the strategy)'}", file=out)
        for entry in found.subjects():
            print(f"  query term names {entry.kind} {entry.id} ({entry.label_nl}): its passages' sentences "
                  "that name it count as found", file=out)
    repeats = [content.by_id[r] for r in selection.repeated]
    for passage in (*selection.passages, *repeats, *selection.footnotes):
        reasons = "; ".join(r.note for r in selection.reasons[passage.id])
        where = " > ".join((content.chapter(passage.chapter).heading, *passage.section))
        depth = selection.depths.get(passage.id)
        if depth is None:
            shown = "in full" if passage.kind == "footnote" else "not printed"
        elif depth.full:
            shown = "in full"
        else:
            assert depth.excerpt is not None
            shown = f"excerpt (sentences {', '.join(str(i + 1) for i in depth.excerpt.sentences)})"
        print(f"  {passage.id:<16} p. {passage.pages:<6} {reasons:<36} {where}", file=out)
        print(f"  {'':<16} {shown}: {depth.why if depth else reasons}", file=out)
        for ctx in depth.context if depth else ():
            print(f"  {'':<16} with context from {ctx.passage.id} (sentences "
                  f"{', '.join(str(i + 1) for i in ctx.sentences)})", file=out)
        print(f"  {'':<16} {passage.location}", file=out)
    print(f"  + {len(selection.figures)} key figures, {len(selection.commitments)} commitments, "
          f"{len(selection.key_messages)} key messages", file=out)
    for note in selection.notes:
        why = [f"about {k} {i}" for k, i in note.subjects] + [f"on passage {p}" for p in note.passages]
        print(f"  note {note.id:<19} {note.level.name:<28} {note.unit}, {note.date}: {'; '.join(why)}", file=out)
        print(f"  {'':<24} {note.location}", file=out)
    return 0


def _check_cache_folder(err: TextIO) -> None:
    """Say so when the configured cache folder is not used (see cachedir.py):
    every command then parses content, dictionaries and templates anew."""
    folder = cachedir.configured()
    why = cachedir.refused(folder) if folder is not None else None
    if why:
        print(f"note: the cache folder {folder} is not used: {why} (it holds code this user runs; "
              "see README, 'Start-up')", file=err)


def main_entry() -> None:
    """Console-script entry point (and `python -m generator`): the
    command, then, as the process is about to exit, its render workers'
    forkserver stopped and waited for (see runners.local.stop).

    Last, everything still alive is frozen out of the garbage collector
    (`gc.freeze`): the interpreter's final collections then do not walk
    the content, WeasyPrint's and matplotlib's objects only to free
    memory the process is about to give back whole, which took 60–100 ms
    of a one-briefing build's second. Objects are still released as the
    modules are torn down, and everything the command writes is written
    and closed (atomic_write) before it returns; what the freeze leaves
    out is only the reference cycles nobody would have seen collected.

    The exit itself is bounded (lifecycle.exit_within): whatever the
    interpreter then waits for, the command ends with its code a second
    later at most."""
    main_is_package("generator")  # what `python -m generator` runs: workers need not run it again
    code = main()
    if "multiprocessing.forkserver" in sys.modules:
        from .runners import local

        local.stop()
    exit_within(code)
    gc.freeze()
    sys.exit(code)
