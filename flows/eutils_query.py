"""Build E-utilities requests as plain data, apart from sending them and reading the replies.

Every builder is a pure function returning an :class:`EutilsRequest`; the client adds ``tool``,
``email`` and ``api_key`` when it sends. Parameter names and values follow NCBI's E-utilities
reference (https://www.ncbi.nlm.nih.gov/books/NBK25499/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

#: PubMed date fields esearch can limit by: create, Entrez (entry), modification, publication.
DATETYPES = ("crdt", "edat", "mdat", "pdat")

#: Parameters that must never be written anywhere outside the request itself.
SECRET_PARAMS = frozenset({"api_key"})


@dataclass(frozen=True)
class EutilsRequest:
    """One E-utilities call: which endpoint, its parameters in order, and the HTTP method.

    ``params`` is a tuple of pairs so the request is hashable and its order is stable in logs.
    """

    endpoint: str
    params: tuple[tuple[str, str], ...]
    method: str = "POST"

    def url(self, base_url: str) -> str:
        """The endpoint's URL under ``base_url`` (which ends with ``/``)."""
        return f"{base_url}{self.endpoint}.fcgi"

    def with_identity(
        self, *, tool: str, email: str | None, api_key: str | None
    ) -> EutilsRequest:
        """The same request carrying the caller's identity, as NCBI asks of every call."""
        extra = [("tool", tool)]
        if email:
            extra.append(("email", email))
        if api_key:
            extra.append(("api_key", api_key))
        return EutilsRequest(self.endpoint, self.params + tuple(extra), self.method)

    def public_params(self) -> dict[str, str]:
        """The parameters without secrets, fit for a ledger or a log."""
        return {k: v for k, v in self.params if k not in SECRET_PARAMS}


def format_pubmed_date(day: date) -> str:
    """A date as E-utilities wants it in ``mindate``/``maxdate``.

    Examples
    --------
    >>> format_pubmed_date(date(2024, 3, 7))
    '2024/03/07'
    """
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def build_esearch(
    term: str,
    *,
    datetype: str | None = None,
    mindate: date | None = None,
    maxdate: date | None = None,
    retmax: int = 20,
    retstart: int = 0,
    usehistory: bool = True,
    webenv: str | None = None,
) -> EutilsRequest:
    """An esearch on PubMed, by default keeping the result on NCBI's history server.

    Parameters
    ----------
    term
        The PubMed query.
    datetype, mindate, maxdate
        An inclusive date window on one of :data:`DATETYPES`; NCBI needs both ends together.
    retmax, retstart
        Which slice of the id list to return with the count.
    usehistory
        Ask for a ``WebEnv``/``QueryKey`` that efetch can page through.
    webenv
        Add the result to this existing history environment instead of a new one.

    Raises
    ------
    ValueError
        An unknown ``datetype``, only one end of the window, or an inverted window.
    """
    if not term.strip():
        raise ValueError("esearch term is empty")
    params: list[tuple[str, str]] = [("db", "pubmed"), ("term", term)]
    if datetype is not None or mindate is not None or maxdate is not None:
        if datetype not in DATETYPES:
            raise ValueError(f"datetype must be one of {', '.join(DATETYPES)}, got {datetype!r}")
        if mindate is None or maxdate is None:
            raise ValueError("esearch needs both mindate and maxdate for a date window")
        if maxdate < mindate:
            raise ValueError(f"date window ends before it starts: {mindate} > {maxdate}")
        params += [
            ("datetype", datetype),
            ("mindate", format_pubmed_date(mindate)),
            ("maxdate", format_pubmed_date(maxdate)),
        ]
    params += [("retstart", str(retstart)), ("retmax", str(retmax))]
    if usehistory:
        params.append(("usehistory", "y"))
    if webenv:
        params.append(("WebEnv", webenv))
    return EutilsRequest("esearch", tuple(params))


def build_efetch_history(
    webenv: str, query_key: str, *, retstart: int, retmax: int
) -> EutilsRequest:
    """An efetch of one page of a history-server result set, as PubMed XML."""
    return EutilsRequest(
        "efetch",
        (
            ("db", "pubmed"),
            ("WebEnv", webenv),
            ("query_key", query_key),
            ("retstart", str(retstart)),
            ("retmax", str(retmax)),
            ("retmode", "xml"),
        ),
    )


def build_efetch_ids(pmids: Sequence[str]) -> EutilsRequest:
    """An efetch of the given PMIDs, as PubMed XML. POSTed: long id lists overflow a URL."""
    if not pmids:
        raise ValueError("efetch needs at least one PMID")
    return EutilsRequest(
        "efetch", (("db", "pubmed"), ("id", ",".join(pmids)), ("retmode", "xml"))
    )


def batched(items: Sequence[str], size: int) -> Iterable[tuple[int, Sequence[str]]]:
    """``(start, items[start:start + size])`` for each batch, in order."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield start, items[start : start + size]
