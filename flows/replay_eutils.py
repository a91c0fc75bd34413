"""What the replay server answers to esearch and efetch, without any HTTP: params in, reply out.

Behaviour copied from NCBI where the tests or the pipeline can see it: ids newest first, a
history server (``WebEnv``/``query_key``), the 9,999-id window of esearch, ``PhraseNotFound``
and "No items found." for terms without hits, ``<ERROR>`` bodies with HTTP 200 for bad queries
and unknown history, HTTP 400 for an efetch without ``db`` or ids.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from datetime import date
from typing import Mapping

from flows.replay_corpus import Corpus, StoredRecord
from flows.replay_query import (
    BoolOp,
    DateRange,
    Group,
    QuerySyntaxError,
    leaf_terms,
    matches,
    parse_pubmed_date,
    parse_query,
    translate,
)
from flows.replay_responses import (
    render_efetch,
    render_efetch_error,
    render_esearch,
    render_esearch_error,
)

#: NCBI's esearch lists at most the first 9,999 ids of a result; asking past them is an error
#: ("'retstart' cannot be larger than 9998").
ESEARCH_CAP = 9_999
#: esearch's default page size when ``retmax`` is not given.
DEFAULT_RETMAX = 20
XML = "text/xml; charset=UTF-8"
#: efetch rettypes that still mean PubMed XML when retmode is xml.
XML_RETTYPES = ("", "xml", "full", "abstract")


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = XML


def _int(params: Mapping[str, str], name: str, default: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not re.fullmatch(r"\d+", value):
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def _newest_first(record: StoredRecord) -> tuple:
    return (record.create_date, int(record.pmid))


def _by_publication_date(record: StoredRecord) -> tuple:
    return (record.publication_date or date.min, int(record.pmid))


class ReplayEutils:
    """esearch and efetch over a :class:`Corpus` as it stood on ``as_of``.

    Parameters
    ----------
    corpus
        The records and deletions to serve.
    as_of
        The day PubMed is replayed as of; ``None`` serves everything.
    esearch_cap
        The esearch id window (NCBI: 9,999); set it low to exercise slicing.
    """

    def __init__(
        self, corpus: Corpus, *, as_of: date | None = None, esearch_cap: int = ESEARCH_CAP
    ) -> None:
        self.corpus = corpus
        self.esearch_cap = esearch_cap
        self._as_of = as_of
        self._lock = threading.Lock()
        self._snapshots: dict[date | None, dict[str, StoredRecord]] = {}
        self._history: dict[str, list[tuple[str, ...]]] = {}

    @property
    def as_of(self) -> date | None:
        return self._as_of

    @as_of.setter
    def as_of(self, value: date | None) -> None:
        with self._lock:
            self._as_of = value

    def snapshot(self) -> dict[str, StoredRecord]:
        """The records visible on ``as_of``, computed once per day asked."""
        with self._lock:
            as_of = self._as_of
            if as_of not in self._snapshots:
                self._snapshots[as_of] = self.corpus.current(as_of)
            return self._snapshots[as_of]

    # --- esearch -----------------------------------------------------------------------------

    def esearch(self, params: Mapping[str, str]) -> Reply:
        db = params.get("db", "pubmed") or "pubmed"
        if db != "pubmed":
            return Reply(200, render_esearch_error(f"Database is not supported: {db}"))
        term = params.get("term", "").strip()
        if not term:
            return Reply(200, render_esearch_error("Empty term and query_key - nothing todo"))
        try:
            parsed = parse_query(term)
            root = self._with_window(parsed.root, params)
            retstart = _int(params, "retstart", 0)
            retmax = _int(params, "retmax", DEFAULT_RETMAX)
        except (QuerySyntaxError, ValueError) as exc:
            return Reply(200, render_esearch_error(f"Invalid query: {exc}"))
        if retstart >= self.esearch_cap:
            return Reply(200, render_esearch_error(
                f"Search Backend failed: Exception: 'retstart' cannot be larger than "
                f"{self.esearch_cap - 1}. ESearch can only retrieve the first "
                f"{self.esearch_cap} records matching the query."
            ))
        records = self.snapshot()
        hits = [r for r in records.values() if matches(root, r)]
        by_pub_date = params.get("sort", "").replace("+", "_") == "pub_date"
        order = _by_publication_date if by_pub_date else _newest_first
        ids = tuple(r.pmid for r in sorted(hits, key=order, reverse=True))
        page = ids[retstart : min(retstart + retmax, self.esearch_cap)]
        query_key = webenv = None
        if params.get("usehistory", "").lower() == "y":
            webenv, query_key = self._remember(params.get("webenv", ""), ids)
        errors = [("FieldNotFound", tag) for tag in parsed.unknown_fields]
        errors += [
            ("PhraseNotFound", leaf.text)
            for leaf in leaf_terms(parsed.root)
            if not any(matches(leaf, r) for r in records.values())
        ]
        warnings = [] if ids else [("OutputMessage", "No items found.")]
        return Reply(200, render_esearch(
            count=len(ids), retstart=retstart, ids=page, translation=translate(root),
            query_key=query_key, webenv=webenv, errors=errors, warnings=warnings,
        ))

    @staticmethod
    def _with_window(root, params: Mapping[str, str]):
        low, high = params.get("mindate", "").strip(), params.get("maxdate", "").strip()
        if not (low and high):  # NCBI ignores a window with one end missing
            return root
        datetype = (params.get("datetype", "") or "pdat").strip().lower()
        if datetype not in ("crdt", "edat", "mdat", "pdat"):
            raise ValueError(f"unknown datetype {datetype!r}")
        window = DateRange(
            datetype, parse_pubmed_date(low, end=False), parse_pubmed_date(high, end=True)
        )
        return BoolOp("AND", Group(root), window)

    def _remember(self, webenv: str, ids: tuple[str, ...]) -> tuple[str, str]:
        with self._lock:
            if webenv not in self._history:
                # Deterministic, NCBI-looking handles: MCID_ and 24 hex digits.
                number = len(self._history) + 1
                webenv = "MCID_" + hashlib.sha1(f"replay-{number}".encode()).hexdigest()[:24]
                self._history[webenv] = []
            self._history[webenv].append(ids)
            return webenv, str(len(self._history[webenv]))

    # --- efetch ------------------------------------------------------------------------------

    def efetch(self, params: Mapping[str, str]) -> Reply:
        db = params.get("db", "").strip()
        if not db:
            return Reply(400, render_efetch_error("Database is not specified (db parameter)"))
        if db != "pubmed":
            return Reply(400, render_efetch_error(f"Database is not supported: {db}"))
        rettype = params.get("rettype", "").lower()
        if params.get("retmode", "xml").lower() != "xml" or rettype not in XML_RETTYPES:
            return Reply(400, render_efetch_error("Only retmode=xml is replayed for PubMed"))
        try:
            retstart = _int(params, "retstart", 0)
            retmax = _int(params, "retmax", self.esearch_cap)
        except ValueError as exc:
            return Reply(400, render_efetch_error(str(exc)))
        raw_ids = params.get("id", "").strip()
        if raw_ids:
            ids = tuple(dict.fromkeys(p for p in re.split(r"[,\s]+", raw_ids) if p))
        elif params.get("webenv") and params.get("query_key"):
            key = params["query_key"].strip()
            with self._lock:
                stored = self._history.get(params["webenv"].strip(), [])
            if not key.isdigit() or not 1 <= int(key) <= len(stored):
                return Reply(200, render_efetch_error(f"Unable to obtain query #{key}"))
            ids = stored[int(key) - 1][retstart : retstart + retmax]
        else:
            return Reply(400, render_efetch_error("Empty id list - nothing todo"))
        records = self.snapshot()
        return Reply(200, render_efetch(records[p].xml for p in ids if p in records))
