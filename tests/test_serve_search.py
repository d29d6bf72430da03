"""Search through the strategy on the server (issue 25): /api/search, the
page's search without JavaScript, and briefings on a query as ?q= on a
briefing's URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import TEMPLATES
from starlette.testclient import TestClient

from generator.content import Content
from generator.serve.app import create_app
from generator.serve.cache import Cache

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def client(content: Content, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(content, TEMPLATES, Cache(tmp_path_factory.mktemp("cache")), workers=1)) as c:
        yield c


def test_the_api_lists_the_sentences_a_query_finds_with_page_chapter_and_marks(client: TestClient) -> None:
    answer = client.get("/api/search?q=kernwapen")
    assert answer.status_code == 200
    found = answer.json()
    assert found["query"] == "kernwapen" and found["count"] == len(found["results"]) > 0
    assert "kernwapenwedloop" in found["words"]["kernwapen"]
    for hit in found["results"]:
        assert hit["page"] >= 1 and hit["chapter"] and hit["marks"]
        for start, end in hit["marks"]:
            assert hit["text"][start:end].lower().startswith("kernwapen")
    # The same matches as the command line's briefing on it.
    briefing = client.get("/api/briefings/query?q=kernwapen").json()
    assert briefing["passages"] == found["passages"]


@pytest.mark.parametrize("query, status, says", [
    ("", 400, "the query is empty"),
    ("Ruslant", 404, "did you mean 'Rusland'"),
    ('"vitale infrastructuur', 400, "unbalanced quote"),
    ("x" * 201, 400, "at most 200"),
])
def test_bad_searches_get_a_clear_4xx(client: TestClient, query: str, status: int, says: str) -> None:
    answer = client.get("/api/search", params={"q": query})
    assert answer.status_code == status and says in answer.json()["error"]


def test_the_page_searches_without_javascript_and_offers_the_briefing(client: TestClient) -> None:
    page = client.get("/?q=Iran", headers=HTML)
    assert page.status_code == 200
    assert "Zoek in de tekst van de strategie" in page.text and 'value="Iran"' in page.text
    assert "<mark>Iran</mark>" in page.text and "Maak hiervan een briefing" in page.text
    assert "Briefing: ‘Iran’" in page.text
    assert 'href="/briefings/query.pdf?q=Iran"' in page.text  # the file, with the query in its link
    wrong = client.get("/?q=Ruslant", headers=HTML)
    assert wrong.status_code == 404 and "‘Ruslant’ komt in de strategie niet voor" in wrong.text
    assert 'href="/?q=Rusland"' in wrong.text  # "Bedoelt u ‘Rusland’?"
    empty = client.get("/?q=%22vitale", headers=HTML)
    assert empty.status_code == 400 and "Sluit de zinsnede af" in empty.text


def test_a_query_travels_as_q_and_the_file_name_carries_its_slug(client: TestClient) -> None:
    alone = client.get("/briefings/query.html?q=Iran")
    assert alone.status_code == 200 and "<mark>Iran</mark>" in alone.text
    assert 'filename="query-iran.html"' in alone.headers["content-disposition"]
    both = client.get("/briefings/theme-proliferation.html?q=Iran")
    assert both.status_code == 200 and 'filename="theme-proliferation+query-iran.html"' in \
        both.headers["content-disposition"]
    assert both.headers["etag"] != alone.headers["etag"]
    again = client.get("/briefings/query.html?q=Iran", headers={"if-none-match": alone.headers["etag"]})
    assert again.status_code == 304  # cached like every other briefing
    bare = client.get("/briefings/query.pdf")
    assert bare.status_code == 400, bare.text
    alias = client.get("/briefings/region-hoorn-van-afrika.html?q=piraterij", follow_redirects=False)
    assert alias.status_code == 308
    assert alias.headers["location"] == "/briefings/region-horn-of-africa.html?q=piraterij"


# -- the English page (issue 27) -------------------------------------------


def test_the_english_page_speaks_english_and_offers_the_english_edition(client: TestClient) -> None:
    page = client.get("/?region=sahel&lang=en", headers=HTML)
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and "Briefings on demand" in page.text
    for dutch in ("Briefing op maat", "Zoek in de tekst", "Toon briefing", "Formaten", "Rubricering"):
        assert dutch not in page.text, dutch
    # The toggle keeps the choice; the forms keep the language.
    assert 'href="/?region=sahel" lang="nl" hreflang="nl">Nederlands</a>' in page.text
    assert page.text.count('<input type="hidden" name="lang" value="en">') == 2
    assert 'href="/briefings/region-sahel.pdf?lang=en"' in page.text and "Briefing: Sahel" in page.text
    dutch_page = client.get("/?region=sahel", headers=HTML)
    assert 'href="/?region=sahel&amp;lang=en" lang="en" hreflang="en">English</a>' in dutch_page.text
    preview = client.get("/api/preview", params={"region": "sahel", "lang": "en"}).json()
    assert preview["id"] == "region-sahel.en" and preview["language"] == "en" and preview["marking"] == "Public"
    html = client.get(preview["files"]["html"]["url"])
    assert html.status_code == 200 and '<html lang="en">' in html.text
    assert 'filename="region-sahel.en.html"' in html.headers["content-disposition"]


def test_the_english_page_finds_words_of_the_translations_with_the_dutch_they_translate(
        client: TestClient) -> None:
    found = client.get("/api/search", params={"q": '"armed forces"', "lang": "en"}).json()
    assert found["count"] > 0
    for hit in found["results"]:
        assert hit["language"] == "en" and hit["original_language"] == "nl"
        assert [hit["text"][a:b].lower() for a, b in hit["marks"]] == ["armed forces"] * len(hit["marks"])
        assert hit["marks"] and hit["page"] >= 1
        # The page is the Dutch sentence's: the original it points to.
        assert "krijgsmacht" in hit["original"].lower()
    # The Dutch page does not search the translations.
    assert client.get("/api/search", params={"q": '"armed forces"'}).status_code == 404
    # A briefing on English words, in the English edition.
    briefing = client.get("/api/briefings/query", params={"q": '"armed forces"', "lang": "en"}).json()
    # (a footnote the search finds is printed with the passage that calls it)
    assert briefing["id"].endswith(".en") and briefing["passages"] == len(
        {h["passage"] for h in found["results"] if not h["passage"].startswith("voetnoot-")})
    page = client.get("/", params={"q": '"armed forces"', "lang": "en"}, headers=HTML)
    assert page.status_code == 200 and "Original:" in page.text and '<span lang="nl">' in page.text


def test_an_edition_in_a_language_there_is_none_in_is_a_clear_400(client: TestClient) -> None:
    api = client.get("/api/briefings/region-sahel", params={"lang": "fr"})
    assert api.status_code == 400 and api.json()["error"] == "there is no edition in 'fr'; choose nl or en"
    page = client.get("/briefings/region-sahel.pdf?lang=fr", headers=HTML)
    assert page.status_code == 400 and "Deze briefings bestaan niet in die taal; kies nl of en." in page.text


def test_a_build_s_english_file_name_leads_to_the_stable_url(client: TestClient) -> None:
    moved = client.get("/briefings/region-sahel.en.html?marking=openbaar", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == "/briefings/region-sahel.html?marking=openbaar&lang=en"
    english = client.get(moved.headers["location"])
    assert english.status_code == 200
    assert english.headers["content-disposition"] == ("inline; filename=\"region-sahel.en.html\"; "
                                                       "filename*=UTF-8''Briefing%20Sahel%20%28EN%29.html")
    listed = client.get("/api/catalogue", params={"lang": "en"}).json()["briefings"]
    assert listed[0]["urls"]["pdf"].endswith("?lang=en") and listed[0]["title"].startswith("Briefing: ")
