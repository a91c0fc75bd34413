"""Display names and links for ids, from config (pure)."""

from __future__ import annotations

from urllib.parse import quote_plus

from digest import wording as w
from digest.records import PaperRef


class Labels:
    """Display names from config, falling back to the id for anything config does not know."""

    def __init__(self, config):
        self.therapies = {t.id: t.label for t in config.therapies}
        self.outcomes = {o.id: o.label for o in config.outcomes}
        self.strata = {s.id: s.label for s in config.strata}
        self.therapy_order = [t.id for t in config.therapies]
        self.outcome_order = [o.id for o in config.outcomes]
        self.stratum_order = [s.id for s in config.strata]
        self.pubmed_url = config.digest.pubmed_url

    def therapy(self, tid: str | None) -> str:
        return self.therapies.get(tid or "", tid or "No therapy identified")

    def outcome(self, oid: str) -> str:
        return self.outcomes.get(oid, oid.replace("_", " ").capitalize())

    def stratum(self, sid: str) -> str:
        return self.strata.get(sid, sid)

    def heading(self, therapy: str, outcome: str, stratum: str) -> str:
        return f"{self.therapy(therapy)} · {self.outcome(outcome).lower()} · {self.stratum(stratum)}"

    def url(self, pmid: str, authors=(), year=None) -> str:
        """The record on PubMed; for a 2023-baseline trial (no PMID), a search for it by author and year."""
        if pmid.isdigit() or not authors:
            return self.pubmed_url.format(pmid=pmid)
        surname = str(authors[0]).split()[0]
        term = quote_plus(f"{surname}[au] {year}[dp]" if year else f"{surname}[au]")
        return f"https://pubmed.ncbi.nlm.nih.gov/?term={term}"

    def rank(self, order: list[str], key: str) -> tuple[int, str]:
        return (order.index(key) if key in order else len(order), key)


def paper_ref(labels: Labels, pmid: str, title: str | None, authors, year, journal=None,
              confirmed: bool | None = None) -> PaperRef:
    return PaperRef(pmid=pmid, title=title or f"PMID {pmid}", citation=w.citation(authors, year, journal),
                    url=labels.url(pmid, authors or (), year), confirmed=confirmed)
