"""One cycle's harvest: the create-date pass, then the modification-date pass, over one window.

New records are found by create date (``crdt``). Records created earlier but changed in the
window (publication types and MeSH added by indexing, errata, retractions) are found by
modification date (``mdat``); only those not already fetched by the first pass are fetched.
The caller computes the window (last watermark minus the overlap, up to today).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # flows.eutils imports this module lazily; no cycle at run time
    from flows.eutils import EutilsClient, FetchedBatch, WindowSlice

#: The two passes, in the order they run; the values name where a PMID came from.
PASSES = ("crdt", "mdat")


@dataclass(frozen=True)
class CollectedBatch:
    """One efetch reply of one pass, as received."""

    pass_name: str
    pmids: tuple[str, ...]
    body: bytes


@dataclass(frozen=True)
class Collected:
    """Everything a cycle fetched.

    ``pass_of`` maps each fetched PMID to ``"crdt"`` or ``"mdat"``. ``counts`` has, for each
    pass, ``<pass>_found`` (what esearch counted over all slices), ``<pass>_fetched`` (records
    fetched in that pass) and, for the mdat pass, ``mdat_already_fetched`` (found by both).
    """

    window_start: date
    window_end: date
    batches: tuple[CollectedBatch, ...]
    pass_of: dict[str, str]
    counts: dict[str, int]
    slices: tuple[WindowSlice, ...] = field(default=())

    @property
    def pmids(self) -> list[str]:
        """Every fetched PMID, in the order fetched."""
        return [p for batch in self.batches for p in batch.pmids]


def collect_updates(
    client: EutilsClient,
    term: str,
    window_start: date,
    window_end: date,
    *,
    mdat_pass: bool = True,
) -> Collected:
    """Run the crdt pass and (optionally) the mdat pass for ``[window_start, window_end]``.

    Parameters
    ----------
    client
        The :class:`flows.eutils.EutilsClient` to search and fetch with.
    term
        The review's PubMed query (without dates; the window is added as ``datetype``).
    window_start, window_end
        Inclusive dates.
    mdat_pass
        Also search by modification date and fetch what the first pass did not.

    Returns
    -------
    Collected
        The raw batches in fetch order, which pass each PMID came from, and the counts.
    """
    if window_end < window_start:
        raise ValueError(f"window ends before it starts: {window_start} > {window_end}")
    batches: list[CollectedBatch] = []
    pass_of: dict[str, str] = {}
    counts: dict[str, int] = {}
    all_slices: list[WindowSlice] = []
    for pass_name in PASSES if mdat_pass else PASSES[:1]:
        slices = client.search_window(term, pass_name, window_start, window_end)
        all_slices += slices
        counts[f"{pass_name}_found"] = sum(s.result.count for s in slices)
        fetched = 0
        for window_slice in slices:
            for batch in _fetch_new(client, window_slice, pass_of):
                batches.append(CollectedBatch(pass_name, batch.pmids, batch.body))
                pass_of.update(dict.fromkeys(batch.pmids, pass_name))
                fetched += len(batch.pmids)
        counts[f"{pass_name}_fetched"] = fetched
        if pass_name == "mdat":
            counts["mdat_already_fetched"] = counts["mdat_found"] - fetched
    return Collected(
        window_start, window_end, tuple(batches), pass_of, counts, tuple(all_slices)
    )


def _fetch_new(
    client: EutilsClient, window_slice: WindowSlice, seen: dict[str, str]
) -> Iterator[FetchedBatch]:
    """Fetch a slice's records not seen yet: by history handle when all are new, else by id."""
    result = window_slice.result
    new = [p for p in result.ids if p not in seen]
    if not new:
        return iter(())
    if len(new) == len(result.ids):
        return client.fetch_batches(result)
    return client.fetch_batches(new)

