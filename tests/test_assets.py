"""Assets: data a render needs, by content hash (generator/assets.py)."""

from __future__ import annotations

import hashlib

import pytest

from generator import assets
from generator.content import Content
from generator.errors import TemplateError


def test_an_asset_is_kept_and_found_by_its_digest() -> None:
    digest = assets.put(b"outlines")
    assert digest == hashlib.sha256(b"outlines").hexdigest()
    assert assets.get(digest, "test data") == b"outlines" and digest in assets.snapshot()


def test_a_damaged_shipment_and_a_missing_asset_are_errors_that_say_so() -> None:
    with pytest.raises(TemplateError, match="arrived damaged"):
        assets.put_all({"0" * 64: b"something else"})
    with pytest.raises(TemplateError, match="The outlines 111111111111… is not available in this process"):
        assets.get("1" * 64, "The outlines")


def test_content_puts_the_map_outlines_and_maps_name_them_by_digest(content: Content) -> None:
    assert content.geo is not None
    assert assets.get(content.geo.digest, "outlines") == content.geo.world.read_bytes()
