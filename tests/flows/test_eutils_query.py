"""Request builders: pure functions from arguments to (endpoint, params, method)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.eutils_query import (
    EutilsRequest,
    batched,
    build_efetch_history,
    build_efetch_ids,
    build_esearch,
    format_pubmed_date,
)


def test_esearch_with_a_window_uses_the_history_server():
    request = build_esearch("rif[tiab]", datetype="crdt", mindate=date(2024, 1, 5),
                            maxdate=date(2024, 2, 1), retmax=10000)
    assert request.endpoint == "esearch" and request.method == "POST"
    assert dict(request.params) == {
        "db": "pubmed", "term": "rif[tiab]", "datetype": "crdt", "mindate": "2024/01/05",
        "maxdate": "2024/02/01", "retstart": "0", "retmax": "10000", "usehistory": "y",
    }
    assert request.url("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/") == (
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"datetype": "xdat", "mindate": date(2024, 1, 1), "maxdate": date(2024, 1, 2)},
                     "datetype must be one of", id="unknown-datetype"),
        pytest.param({"datetype": "crdt", "mindate": date(2024, 1, 1)}, "needs both",
                     id="one-ended-window"),
        pytest.param({"datetype": "crdt", "mindate": date(2024, 2, 1), "maxdate": date(2024, 1, 1)},
                     "ends before it starts", id="inverted-window"),
    ],
)
def test_esearch_rejects_bad_windows(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_esearch("rif", **kwargs)


def test_empty_term_and_empty_id_list_are_refused():
    with pytest.raises(ValueError, match="term is empty"):
        build_esearch("  ")
    with pytest.raises(ValueError, match="at least one PMID"):
        build_efetch_ids([])


def test_efetch_builders():
    history = build_efetch_history("MCID_1", "2", retstart=400, retmax=200)
    assert dict(history.params) == {"db": "pubmed", "WebEnv": "MCID_1", "query_key": "2",
                                    "retstart": "400", "retmax": "200", "retmode": "xml"}
    by_id = build_efetch_ids(["3", "1"])
    assert dict(by_id.params) == {"db": "pubmed", "id": "3,1", "retmode": "xml"}
    assert by_id.method == "POST"


def test_identity_is_appended_and_the_key_is_never_public():
    request = EutilsRequest("esearch", (("db", "pubmed"),))
    sent = request.with_identity(tool="rifwatch", email="a@b.org", api_key="k")
    assert sent.params[-3:] == (("tool", "rifwatch"), ("email", "a@b.org"), ("api_key", "k"))
    assert sent.public_params() == {"db": "pubmed", "tool": "rifwatch", "email": "a@b.org"}
    anonymous = request.with_identity(tool="rifwatch", email=None, api_key=None)
    assert dict(anonymous.params) == {"db": "pubmed", "tool": "rifwatch"}


@given(st.dates(min_value=date(1000, 1, 1)))
def test_pubmed_date_round_trips(day):
    text = format_pubmed_date(day)
    year, month, dom = (int(p) for p in text.split("/"))
    assert date(year, month, dom) == day and len(text) == 10


@given(st.lists(st.text(min_size=1, max_size=3), max_size=50), st.integers(1, 7))
def test_batches_cover_every_item_once_in_order(items, size):
    pieces = list(batched(items, size))
    assert [x for _, piece in pieces for x in piece] == items
    assert all(len(piece) <= size for _, piece in pieces)
    assert [start for start, _ in pieces] == list(range(0, len(items), size))
