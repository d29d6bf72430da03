"""Publishing a build folder: PDF variants, signed PDFs, SHA256SUMS and its
gpg signature, the Atom feed. Keys are made at test time and thrown away;
signatures are checked with pyHanko and poppler's pdfsig as a recipient
would, checksums with `sha256sum -c` and `gpg --verify`."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import TEMPLATES, Cli, Run, make_briefing, pdf_fonts
from pypdf import PdfReader

from generator.cli import main
from generator.content import Content
from generator.labels import load_labels
from generator.publish.feed import (
    ATOM,
    PassageMark,
    change_between,
    render_feed,
    sentence_changes,
    sentence_lines,
    summary,
    text_key,
)
from generator.writers import get_writer

A = f"{{{ATOM}}}"


def run_ok(cli: Cli, *argv: str) -> Run:
    run = cli(*argv)
    assert run.code == 0, run.err
    return run


# --------------------------------------------------------------------------
# PDF variants


@dataclass(frozen=True)
class Variant:
    name: str
    xmp: dict[str, str]  # XMP property -> value it must have
    output_intent: bool
    version: str


VARIANTS = [
    Variant("pdf/ua-1", {"pdfuaid:part": "1"}, False, "1.7"),
    Variant("pdf/a-2a", {"pdfaid:part": "2", "pdfaid:conformance": "A"}, True, "1.7"),
    Variant("pdf/a-3b", {"pdfaid:part": "3", "pdfaid:conformance": "B"}, True, "1.7"),
    Variant("pdf/ua-2", {"pdfuaid:part": "2"}, False, "2.0"),
]


@pytest.fixture(scope="module")
def arctic_pdfs(content: Content) -> dict[str, bytes]:
    """A short briefing in each variant tested (half a second each)."""
    briefing = make_briefing(content, ("region", "arctic"))
    return {v.name: get_writer("pdf", TEMPLATES, v.name).render(briefing).data for v in VARIANTS}


def xmp_value(xmp: str, prop: str) -> str | None:
    """A property written as an attribute or as an element (both are RDF)."""
    found = re.search(rf'{prop}="([^"]*)"', xmp) or re.search(rf"<{prop}>([^<]*)</{prop}>", xmp)
    return found.group(1) if found else None


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_each_variant_identifies_itself_embeds_fonts_and_is_tagged(arctic_pdfs: dict[str, bytes],
                                                                    variant: Variant) -> None:
    data = arctic_pdfs[variant.name]
    assert data.startswith(f"%PDF-{variant.version}".encode())
    reader = PdfReader(io.BytesIO(data))
    root: Any = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    for prop, value in variant.xmp.items():
        assert xmp_value(xmp, prop) == value, (prop, xmp)
    other = {"pdfaid:part", "pdfuaid:part"} - set(variant.xmp)
    assert all(xmp_value(xmp, p) is None for p in other)
    intents = root.get("/OutputIntents")
    if variant.output_intent:
        intent = intents[0].get_object()
        assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    else:
        assert intents is None
    # Every variant is tagged (an archive is read with screen readers too).
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    fonts = pdf_fonts(reader)
    assert fonts and all(fonts.values()), fonts


def test_the_variant_is_in_the_manifest_and_changing_it_rebuilds_only_pdfs(cli: Cli, tmp_path: Path) -> None:
    args = ("build", "--region", "arctic", "--format", "pdf,html", "--out", str(tmp_path), "--quiet")
    run_ok(cli, *args)
    files = json.loads((tmp_path / "manifest.json").read_text())["briefings"][0]["files"]
    assert files["pdf"]["variant"] == "pdf/ua-1" and "variant" not in files["html"]
    html = (tmp_path / "region-arctic.html").stat().st_mtime_ns
    run = run_ok(cli, *args, "--pdf-variant", "PDF/A-2a")
    assert "1 built" in run.out
    files = json.loads((tmp_path / "manifest.json").read_text())["briefings"][0]["files"]
    assert files["pdf"]["variant"] == "pdf/a-2a"
    assert (tmp_path / "region-arctic.html").stat().st_mtime_ns == html
    root: Any = PdfReader(tmp_path / "region-arctic.pdf").trailer["/Root"]
    assert xmp_value(root["/Metadata"].get_object().get_data().decode("utf-8"), "pdfaid:part") == "2"


def test_an_unknown_variant_is_one_line_with_a_suggestion(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", "--region", "arctic", "--out", str(tmp_path / "out"), "--pdf-variant", "pdf/a-2x")
    assert run.code == 2
    assert run.err.count("\n") == 1
    assert "unknown PDF variant 'pdf/a-2x' — did you mean 'pdf/a-2" in run.err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------
# Signed PDFs


@dataclass(frozen=True)
class Key:
    p12: Path
    cert_der: bytes
    passphrase: str


def make_key(folder: Path, passphrase: str = "geheim", days: tuple[int, int] = (-1, 30),
             name: str = "Redactie Test") -> Key:
    """A throwaway self-signed certificate and key in a PKCS#12 file,
    valid from `days[0]` to `days[1]` days from now."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + dt.timedelta(days=days[0])).not_valid_after(now + dt.timedelta(days=days[1]))
            .add_extension(usage, critical=True).sign(key, hashes.SHA256()))
    path = folder / f"{name.replace(' ', '-').lower()}{days}.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"briefing", key, cert, None, serialization.BestAvailableEncryption(passphrase.encode())))
    path.chmod(0o600)  # a key only its owner can read, as the tool requires
    return Key(path, cert.public_bytes(serialization.Encoding.DER), passphrase)


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Key:
    return make_key(tmp_path_factory.mktemp("key"))


@pytest.fixture(scope="module")
def signed_build(key: Key, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one briefing built with the key configured."""
    out = tmp_path_factory.mktemp("signed")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BRIEFING_SIGN_KEY", str(key.p12))
        env.setenv("BRIEFING_SIGN_PASSPHRASE", key.passphrase)
        err = io.StringIO()
        code = main(["build", "--region", "arctic", "--format", "pdf,html", "--out", str(out), "--quiet"],
                     stdout=io.StringIO(), stderr=err)
    assert code == 0, err.getvalue()
    return out


def pyhanko_status(data: bytes, key: Key) -> Any:
    from asn1crypto import x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    context = ValidationContext(trust_roots=[x509.Certificate.load(key.cert_der)])
    return signature, validate_pdf_signature(signature, context)


def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_a_signed_pdf_validates_with_pyhanko_and_pdfsig(signed_build: Path, key: Key) -> None:
    data = (signed_build / "region-arctic.pdf").read_bytes()
    signature, status = pyhanko_status(data, key)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert str(status.coverage) == "SignatureCoverageLevel.ENTIRE_FILE"
    assert signature.sig_object["/Name"] == "Redactie Test"
    assert signature.sig_object["/Reason"] == load_labels("nl").text("signature.reason")
    assert signature.sig_object["/Location"] == load_labels("nl").text("signature.location")
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    report = pdfsig(signed_build / "region-arctic.pdf")
    assert "Signature Validation: Signature is Valid." in report
    assert "Signer Certificate Common Name: Redactie Test" in report and "Total document signed" in report
    # An incremental update: the rendered PDF is still there, unchanged, in front.
    assert data.count(b"%%EOF") == 2
    entry = json.loads((signed_build / "manifest.json").read_text())["briefings"][0]
    assert entry["files"]["pdf"]["signer"] == "Redactie Test"
    assert len(entry["files"]["pdf"]["signer_sha256"]) == 64
    assert "signer" not in entry["files"]["html"]


def test_a_changed_byte_breaks_the_signature(signed_build: Path, key: Key, tmp_path: Path) -> None:
    data = bytearray((signed_build / "region-arctic.pdf").read_bytes())
    where = data.index(b"stream\n", len(data) // 3) + 20  # inside the signed range, in a page's content
    data[where] ^= 0x01
    _, status = pyhanko_status(bytes(data), key)
    assert not status.intact and not status.bottom_line
    (tmp_path / "changed.pdf").write_bytes(bytes(data))
    assert "Signature Validation: Digest Mismatch." in pdfsig(tmp_path / "changed.pdf")


def test_a_second_signed_build_rebuilds_nothing(signed_build: Path, key: Key, cli: Cli,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_SIGN_KEY", str(key.p12))
    monkeypatch.setenv("BRIEFING_SIGN_PASSPHRASE", key.passphrase)
    before = {p.name: p.read_bytes() for p in signed_build.iterdir() if not p.name.startswith(".briefing-")}
    run = run_ok(cli, "build", "--region", "arctic", "--format", "pdf,html", "--out", str(signed_build))
    assert "0 built, 1 up to date" in run.out
    assert {p.name: p.read_bytes() for p in signed_build.iterdir() if not p.name.startswith(".briefing-")} == before


def test_a_signed_archival_pdf_stays_archival(arctic_pdfs: dict[str, bytes], key: Key) -> None:
    from generator.publish.signing import load_pdf_key

    signer = load_pdf_key(key.p12, key.passphrase.encode())
    signed = signer.sign(arctic_pdfs["pdf/a-2a"], "reden", "plaats")
    assert signed.startswith(arctic_pdfs["pdf/a-2a"])
    root: Any = PdfReader(io.BytesIO(signed)).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert (xmp_value(xmp, "pdfaid:part"), xmp_value(xmp, "pdfaid:conformance")) == ("2", "A")
    assert "/OutputIntents" in root and "/StructTreeRoot" in root
    _, status = pyhanko_status(signed, key)
    assert status.bottom_line
    # The metadata is as rendered (PDF/A wants XMP and document information
    # to agree; pyHanko would otherwise add itself to one of them).
    unsigned = PdfReader(io.BytesIO(arctic_pdfs["pdf/a-2a"]))
    assert PdfReader(io.BytesIO(signed)).metadata == unsigned.metadata
    unsigned_root: Any = unsigned.trailer["/Root"]
    assert xmp == unsigned_root["/Metadata"].get_object().get_data().decode("utf-8")


def test_a_signing_failure_fails_the_briefing_whole(key: Key, cli: Cli, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Like a renderer's failure: reported, the others go on (see
    test_build), and none of the briefing's files is written."""
    from generator.publish.signing import PdfSigningKey

    def broken(self: PdfSigningKey, data: bytes, reason: str, location: str) -> bytes:
        raise RuntimeError("token removed")

    monkeypatch.setattr(PdfSigningKey, "sign", broken)
    monkeypatch.setenv("BRIEFING_SIGN_KEY", str(key.p12))
    monkeypatch.setenv("BRIEFING_SIGN_PASSPHRASE", key.passphrase)
    run = cli("build", "--region", "arctic", "--format", "pdf,html", "--out", str(tmp_path), "--quiet")
    assert run.code == 1
    assert "FAILED region-arctic: signing the PDF: RuntimeError: token removed" in run.err
    assert not list(tmp_path.glob("region-arctic.*"))


def test_without_a_key_nothing_is_signed(arctic_pdfs: dict[str, bytes]) -> None:
    assert b"/ByteRange" not in arctic_pdfs["pdf/ua-1"]


def _bad_key_cases(folder: Path) -> Iterator[tuple[str, dict[str, str], str]]:
    good = make_key(folder)
    yield "wrong passphrase", {"BRIEFING_SIGN_KEY": str(good.p12), "BRIEFING_SIGN_PASSPHRASE": "fout"}, \
        f"{good.p12}: cannot open the signing key: wrong passphrase"
    yield "no passphrase", {"BRIEFING_SIGN_KEY": str(good.p12)}, \
        f"{good.p12}: cannot open the signing key: no passphrase given"
    yield "missing file", {"BRIEFING_SIGN_KEY": str(folder / "nowhere.p12"), "BRIEFING_SIGN_PASSPHRASE": "x"}, \
        f"{folder / 'nowhere.p12'}: cannot read the signing key (BRIEFING_SIGN_KEY): No such file or directory"
    missing = folder / "no-passphrase-file"
    yield "missing passphrase file", {"BRIEFING_SIGN_KEY": str(good.p12),
                                      "BRIEFING_SIGN_PASSPHRASE_FILE": str(missing)}, \
        f"{missing}: cannot read the passphrase file"
    expired = make_key(folder, days=(-30, -1))
    yield "expired", {"BRIEFING_SIGN_KEY": str(expired.p12), "BRIEFING_SIGN_PASSPHRASE": expired.passphrase}, \
        f"{expired.p12}: the certificate has expired"
    early = make_key(folder, days=(2, 30))
    yield "not yet valid", {"BRIEFING_SIGN_KEY": str(early.p12), "BRIEFING_SIGN_PASSPHRASE": early.passphrase}, \
        f"{early.p12}: the certificate is not valid yet"


def test_bad_signing_configuration_is_one_line_and_writes_nothing(cli: Cli, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for name, env, message in _bad_key_cases(tmp_path):
        for var in ("BRIEFING_SIGN_KEY", "BRIEFING_SIGN_PASSPHRASE", "BRIEFING_SIGN_PASSPHRASE_FILE"):
            monkeypatch.delenv(var, raising=False)
        for var, value in env.items():
            monkeypatch.setenv(var, value)
        out = tmp_path / "out"
        run = cli("build", "--region", "arctic", "--format", "pdf", "--out", str(out))
        assert run.code == 1, name
        assert run.err.startswith(message) and run.err.count("\n") == 1, (name, run.err)
        assert not out.exists(), name


def test_the_passphrase_may_come_from_a_file(key: Key, tmp_path: Path) -> None:
    from generator.publish.signing import pdf_key_from_env

    (tmp_path / "pass").write_text(key.passphrase + "\n")
    (tmp_path / "pass").chmod(0o600)
    loaded = pdf_key_from_env({"BRIEFING_SIGN_KEY": str(key.p12), "BRIEFING_SIGN_PASSPHRASE_FILE": str(tmp_path / "pass")})
    assert loaded is not None and loaded.name == "Redactie Test"
    assert pdf_key_from_env({}) is None


# --------------------------------------------------------------------------
# SHA256SUMS


def test_sha256sums_lists_every_published_file_and_sha256sum_checks_them(cli: Cli, tmp_path: Path) -> None:
    run_ok(cli, "build", "--region", "arctic", "--region", "sahel", "--format", "docx,html", "--out", str(tmp_path),
           "--quiet")
    run_ok(cli, "build", "--theme", "terrorism", "--format", "html", "--out", str(tmp_path), "--quiet")
    listed = {info["name"]: info["sha256"] for e in json.loads((tmp_path / "manifest.json").read_text())["briefings"]
              for info in e["files"].values()}
    listed |= {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
               for name in ("manifest.json", "index.html", "feed.xml")}
    lines = (tmp_path / "SHA256SUMS").read_text().splitlines()
    assert {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines} == listed
    published = {p.name for p in tmp_path.iterdir() if not p.name.startswith(".briefing-")} - {"SHA256SUMS"}
    assert len(lines) == 6 and set(listed) == published
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == 6, check.stdout
    # A build with nothing to do touches none of them.
    before = {name: (tmp_path / name).stat().st_mtime_ns for name in published | {"SHA256SUMS"}}
    run_ok(cli, "build", "--theme", "terrorism", "--format", "html", "--out", str(tmp_path), "--quiet")
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in published | {"SHA256SUMS"}} == before
    (tmp_path / "theme-terrorism.html").write_text("changed")
    assert subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True).returncode


@pytest.fixture
def gnupg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway gpg home with one signing key (ed25519, no passphrase);
    its agent is stopped afterwards. Yields the key's fingerprint."""
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "Redactie Test <redactie@example.org>",
                    "ed25519", "sign", "1d"], check=True, capture_output=True)
    listing = subprocess.run(["gpg", "--batch", "--with-colons", "--list-secret-keys"], check=True,
                             capture_output=True, text=True).stdout
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    yield fingerprint
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False, capture_output=True)


def test_sha256sums_signed_with_gpg_verifies(cli: Cli, tmp_path: Path, gnupg: str) -> None:
    out = tmp_path / "out"
    args = ("build", "--region", "arctic", "--format", "html", "--out", str(out), "--quiet", "--sums-key", gnupg)
    run_ok(cli, *args)
    verify = subprocess.run(["gpg", "--batch", "--verify", "SHA256SUMS.asc", "SHA256SUMS"], cwd=out,
                            capture_output=True, text=True)
    assert verify.returncode == 0 and "Good signature" in verify.stderr, verify.stderr
    # Unchanged sums keep their signature (a new one would differ in time).
    signature = (out / "SHA256SUMS.asc").read_bytes()
    run_ok(cli, *args)
    assert (out / "SHA256SUMS.asc").read_bytes() == signature
    # Changed sums get a new one.
    run_ok(cli, "build", "--region", "sahel", "--format", "html", "--out", str(out), "--quiet", "--sums-key", gnupg)
    assert subprocess.run(["gpg", "--batch", "--verify", "SHA256SUMS.asc", "SHA256SUMS"], cwd=out,
                          capture_output=True).returncode == 0
    (out / "SHA256SUMS").write_text((out / "SHA256SUMS").read_text() + "0" * 64 + "  extra.pdf\n")
    assert subprocess.run(["gpg", "--batch", "--verify", "SHA256SUMS.asc", "SHA256SUMS"], cwd=out,
                          capture_output=True).returncode != 0


def test_an_unknown_gpg_key_is_one_line_and_writes_nothing(cli: Cli, tmp_path: Path, gnupg: str) -> None:
    run = cli("build", "--region", "arctic", "--format", "html", "--out", str(tmp_path / "out"),
              "--sums-key", "0123456789ABCDEF")
    assert run.code == 1
    assert "no gpg secret key '0123456789ABCDEF'" in run.err and run.err.count("\n") == 1
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------
# The Atom feed


def feed(out: Path) -> ET.Element:
    return ET.fromstring((out / "feed.xml").read_bytes())


def entries(root: ET.Element) -> dict[str, ET.Element]:
    return {e.findtext(f"{A}title", ""): e for e in root.findall(f"{A}entry")}


def test_the_feed_is_atom_with_an_entry_per_briefing(cli: Cli, tmp_path: Path) -> None:
    run_ok(cli, "build", "--region", "arctic", "--region", "sahel", "--format", "pdf,html", "--out", str(tmp_path),
           "--quiet")
    run_ok(cli, "build", "--theme", "terrorism", "--format", "html", "--out", str(tmp_path), "--quiet")
    root = feed(tmp_path)
    assert root.tag == f"{A}feed"
    for required in ("id", "title", "updated", f"author/{A}name"):
        assert (root.findtext(f"{A}{required}") or "").strip(), required
    manifest = {e["title"]: e for e in json.loads((tmp_path / "manifest.json").read_text())["briefings"]}
    found = entries(root)
    assert set(found) == set(manifest)
    ids = set()
    for title, entry in found.items():
        ids.add(entry.findtext(f"{A}id"))
        assert entry.findtext(f"{A}id", "").startswith("urn:uuid:")
        assert entry.findtext(f"{A}updated") == manifest[title]["changed_at"]
        dt.datetime.fromisoformat(entry.findtext(f"{A}updated", ""))
        enclosures = {link.get("href"): link for link in entry.findall(f"{A}link") if link.get("rel") == "enclosure"}
        assert {i["name"]: str(i["bytes"]) for i in manifest[title]["files"].values()} == \
            {href: link.get("length") for href, link in enclosures.items()}
    assert len(ids) == 2  # the combination and the theme
    combined = next(e for t, e in found.items() if "Sahel" in t)
    types = {link.get("type") for link in combined.findall(f"{A}link")}
    assert {"application/pdf", "text/html"} <= types
    assert combined.findtext(f"{A}summary", "").startswith("Nieuwe briefing met ")
    index = (tmp_path / "index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml"' in index and 'href="feed.xml"' in index


def test_ids_do_not_depend_on_the_host_and_links_take_the_base_url(cli: Cli, tmp_path: Path) -> None:
    run_ok(cli, "build", "--region", "arctic", "--format", "html", "--out", str(tmp_path / "a"), "--quiet")
    run_ok(cli, "build", "--region", "arctic", "--format", "html", "--out", str(tmp_path / "b"), "--quiet",
           "--base-url", "https://example.org/briefings/")
    a, b = entries(feed(tmp_path / "a")), entries(feed(tmp_path / "b"))
    assert [e.findtext(f"{A}id") for e in a.values()] == [e.findtext(f"{A}id") for e in b.values()]
    (entry,) = b.values()
    hrefs = {link.get("href") for link in entry.findall(f"{A}link")}
    assert hrefs == {"https://example.org/briefings/region-arctic.html"}
    self_link = [link for link in feed(tmp_path / "b").findall(f"{A}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == "https://example.org/briefings/feed.xml"
    assert cli("build", "--region", "arctic", "--out", str(tmp_path / "c"),
               "--base-url", "example.org").code == 2


def test_the_feed_says_which_passages_changed_by_page(cli: Cli, content_copy: Path, tmp_path: Path) -> None:
    args = ("build", "--region", "asia", "--format", "html", "--content", str(content_copy), "--out", str(tmp_path),
            "--quiet")
    run_ok(cli, *args)
    first = entries(feed(tmp_path))["Briefing Azië"]
    path = content_copy / "passages" / "04-omgevingsanalyse.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("momenteel een multipolair", "thans een multipolair"), encoding="utf-8")
    run_ok(cli, *args)
    entry = entries(feed(tmp_path))["Briefing Azië"]
    assert entry.findtext(f"{A}summary") == "Sinds de vorige versie: 1 passage gewijzigd (p. 5)."
    assert entry.findtext(f"{A}updated", "") >= first.findtext(f"{A}updated", "")
    assert entry.findtext(f"{A}id") == first.findtext(f"{A}id")
    # The entry's content says which sentence changed, before and after; the
    # folder keeps only the texts its manifest lists, and does not publish them.
    content = entry.find(f"{A}content")
    assert content is not None and content.get("type") == "text"
    (line,) = (content.text or "").splitlines()
    match = re.fullmatch(r"p\. 5: «(.+)» is nu «(.+)»", line)
    assert match, line
    before, after = match.groups()
    assert "momenteel een multipolair" in before and after == before.replace("momenteel", "thans")
    kept = json.loads((tmp_path / ".briefing-passages.json").read_text(encoding="utf-8"))
    assert any(after in t for t in kept.values()) and not any(before in t for t in kept.values())
    assert ".briefing-passages.json" not in (tmp_path / "SHA256SUMS").read_text()


def test_change_summaries() -> None:
    words = load_labels("nl")
    old: dict[str, PassageMark] = {"a": {"pages": "3", "sha256": "1"}, "b": {"pages": "9–10", "sha256": "2"},
                                   "c": {"pages": "4", "sha256": "3"}}
    new: dict[str, PassageMark] = {"a": {"pages": "3", "sha256": "1"}, "b": {"pages": "9–10", "sha256": "X"},
                                   "d": {"pages": "12", "sha256": "4"}, "e": {"pages": "2", "sha256": "5"}}
    change = change_between(old, new)
    assert [p["id"] for p in change["added"]] == ["e", "d"]  # by page
    assert summary(change, words) == ("Sinds de vorige versie: 2 passages toegevoegd (p. 2, 12); "
                                      "1 passage vervallen (p. 4); 1 passage gewijzigd (p. 9–10).")
    assert summary(change_between(old, old), words).startswith("Gewijzigd: kernboodschappen")
    assert summary(change_between(None, new), words) == "Nieuwe briefing met 4 passages."
    assert "sentences" not in change["altered"][0]  # the old text is not known


def test_sentence_changes_pair_what_replaced_what() -> None:
    before = "Eén blijft. Twee wordt anders. Drie vervalt. Vier blijft."
    after = "Nul komt erbij. Eén blijft. Twee is anders. Vier blijft."
    assert sentence_changes(before, after) == [
        {"before": "", "after": "Nul komt erbij."},
        {"before": "Twee wordt anders.", "after": "Twee is anders."},
        {"before": "Drie vervalt.", "after": ""},
    ]
    marks: dict[str, PassageMark] = {"a": {"pages": "7", "sha256": text_key(before)}}
    change = change_between(marks, {"a": {"pages": "7", "sha256": text_key(after)}},
                            {text_key(before): before, text_key(after): after})
    assert sentence_lines(change, load_labels("nl")) == [
        "p. 7: toegevoegd «Nul komt erbij.»",
        "p. 7: «Twee wordt anders.» is nu «Twee is anders.»",
        "p. 7: vervallen «Drie vervalt.»",
    ]


def test_text_in_the_feed_stays_text() -> None:
    manifest = {
        "generator": "briefing", "generator_version": "0", "source": "Kamerstuk <33 694> & nr. 1",
        "build_time": "2026-01-01T00:00:00+00:00",
        "briefings": [{"id": "region-x", "title": "Briefing <script>alert(1)</script> & ]]>",
                       "selectors": [{"kind": "region", "id": "x", "label": "<b>X</b>"}],
                       "built_at": "2026-01-01T00:00:00+00:00", "changed_at": "2026-01-01T00:00:00+00:00",
                       "files": {"html": {"name": "region-x.html", "bytes": 1}}}],
    }
    root = ET.fromstring(render_feed(manifest, load_labels("nl"), "Titel <i>", ""))
    (entry,) = root.findall(f"{A}entry")
    assert entry.findtext(f"{A}title") == "Briefing <script>alert(1)</script> & ]]>"
    assert list(entry.find(f"{A}title") or []) == []  # no child elements: it stayed text
    assert root.findtext(f"{A}title") == "Titel <i>" and root.findtext(f"{A}subtitle") == "Kamerstuk <33 694> & nr. 1"
    category = entry.find(f"{A}category")
    assert category is not None and category.get("label") == "<b>X</b>"


def test_a_second_build_leaves_manifest_sums_feed_and_index_alone(cli: Cli, tmp_path: Path) -> None:
    args = ("build", "--region", "arctic", "--region", "sahel", "--format", "html", "--out", str(tmp_path), "--quiet")
    run_ok(cli, *args)
    names = ("manifest.json", "SHA256SUMS", "feed.xml", "index.html")
    before = {n: ((tmp_path / n).read_bytes(), (tmp_path / n).stat().st_mtime_ns) for n in names}
    run_ok(cli, *args)
    assert {n: ((tmp_path / n).read_bytes(), (tmp_path / n).stat().st_mtime_ns) for n in names} == before


# --------------------------------------------------------------------------
# index.html for many briefings


@pytest.fixture(scope="module")
def catalogue_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalogue in HTML only: the index with every kind of briefing."""
    out = tmp_path_factory.mktemp("catalogue")
    err = io.StringIO()
    assert main(["build", "--all", "-j", "1", "--format", "html", "--out", str(out), "--quiet"],
                stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    return out


def test_the_index_is_one_complete_table_without_javascript(catalogue_html: Path) -> None:
    index = (catalogue_html / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((catalogue_html / "manifest.json").read_text())["briefings"]
    assert index.count("<tr data-title=") == len(manifest) == 47
    # The controls only work with the script, which shows them.
    assert '<div class="controls" id="controls" hidden>' in index
    assert '<label for="filter">' in index and '<label for="kind">' in index
    assert len(re.findall(r'<th scope="col"', index)) == 7 and index.count('<th scope="row">') == 47
    assert "http://" not in index.split("<script>")[1] and "https://" not in index.split("<script>")[1]
    sahel = next(e for e in manifest if e["id"] == "region-sahel")
    row = re.search(r'<tr [^>]*data-search="[^"]*sahel[^"]*">.*?</tr>', index, re.S)
    assert row and "Nieuwe briefing met 9 passages." in row.group() and sahel["date"] in row.group()
    assert f'data-size="{sahel["files"]["html"]["bytes"]}"' in row.group()


@pytest.mark.slow
def test_the_index_filters_and_sorts_in_a_browser_from_disk(catalogue_html: Path) -> None:
    from playwright.sync_api import sync_playwright

    url = (catalogue_html / "index.html").as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(url)
            page.fill("#filter", "afrika")
            assert page.inner_text("#shown") == "5 van 47 briefings getoond"
            titles = page.locator("tbody tr:not([hidden]) th").all_inner_texts()
            assert len(titles) == 5 and all("Afrika" in t for t in titles)
            page.select_option("#kind", "combination")
            assert page.locator("tbody tr:not([hidden]) th").all_inner_texts() == \
                ["Briefing Piraterij in de Hoorn van Afrika"]
            page.fill("#filter", "")
            page.select_option("#kind", "")
            # Sort by passages, with the keyboard: most first on the second press.
            page.focus("th[data-sort=passages] button")
            page.keyboard.press("Enter")
            page.keyboard.press("Enter")
            assert page.get_attribute("th[data-sort=passages]", "aria-sort") == "descending"
            counts = [int(c) for c in page.locator("tbody tr td:nth-of-type(5)").all_inner_texts()]
            assert counts == sorted(counts, reverse=True) and len(counts) == 47
            # Without JavaScript: every briefing, no controls.
            bare = browser.new_context(java_script_enabled=False).new_page()
            bare.goto(url)
            assert bare.locator("tbody tr:visible").count() == 47
            assert not bare.locator("#filter").is_visible()
        finally:
            browser.close()


# -- secrets (issue 22) ------------------------------------------------------


def test_no_option_abbreviations_and_no_secret_in_the_error(cli: Cli, tmp_path: Path) -> None:
    run = cli("build", "--region", "arctic", "--out", str(tmp_path), "--sign", "s3cret")
    assert run.code == 2 and "s3cret" not in run.err and "unrecognized arguments: --sign" in run.err


def test_a_key_others_can_read_is_refused_unless_allowed(cli: Cli, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    key = make_key(tmp_path)
    key.p12.chmod(0o644)
    monkeypatch.setenv("BRIEFING_SIGN_KEY", str(key.p12))
    monkeypatch.setenv("BRIEFING_SIGN_PASSPHRASE", key.passphrase)
    out = tmp_path / "out"
    run = cli("build", "--region", "arctic", "--format", "pdf", "--out", str(out))
    assert run.code == 1 and run.err.strip() == (
        f"{key.p12}: the signing key (BRIEFING_SIGN_KEY) can be read by others (mode 0644): chmod 600 {key.p12}, "
        "or set BRIEFING_ALLOW_READABLE_SECRETS=1 to use it anyway")
    assert not out.exists() or not any(out.glob("*.pdf"))
    monkeypatch.setenv("BRIEFING_ALLOW_READABLE_SECRETS", "1")
    assert cli("build", "--region", "arctic", "--format", "pdf", "--out", str(out), "--quiet").code == 0


@pytest.mark.parametrize(("path", "why"), [("/dev/zero", "is not a regular file"),
                                           ("big", "is larger than 1048576 bytes")])
def test_a_key_file_that_is_no_key_is_one_line(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               path: str, why: str) -> None:
    if path == "big":
        big = tmp_path / "big.p12"
        big.write_bytes(b"\0" * (2 << 20))
        big.chmod(0o600)
        path = str(big)
    monkeypatch.setenv("BRIEFING_SIGN_KEY", path)
    monkeypatch.setenv("BRIEFING_SIGN_PASSPHRASE", "x")
    run = cli("build", "--region", "arctic", "--format", "pdf", "--out", str(tmp_path / "out"))
    assert run.code == 1 and run.err.strip() == f"{path}: the signing key (BRIEFING_SIGN_KEY) {why}" + (
        "; is this the right file?" if path != "/dev/zero" else "")
