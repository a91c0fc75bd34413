"""The review's PubMed query, built from ``config/search.toml`` and the therapy vocabulary.

``(population terms) AND (immunomodulation terms OR every therapy's search terms)``, each term a
quoted phrase in title/abstract. The create-date or modification-date window is added by the
E-utilities client (``datetype``/``mindate``/``maxdate``), not written into the term.

Examples
--------
>>> tiab(['recurrent implantation failure', 'G-CSF'])
'("recurrent implantation failure"[tiab] OR "G-CSF"[tiab])'
"""

from __future__ import annotations

from config.schema import Config


def tiab(terms) -> str:
    """OR together quoted phrases searched in title/abstract, without duplicates."""
    seen: dict[str, str] = {}
    for term in terms:
        cleaned = " ".join(term.replace('"', " ").split())
        if cleaned:
            seen.setdefault(cleaned.lower(), cleaned)
    return "(" + " OR ".join(f'"{t}"[tiab]' for t in seen.values()) + ")"


def build_query(config: Config) -> str:
    """The search term for esearch (no date limits)."""
    population = tiab(config.search.population_terms)
    therapy_terms = list(config.search.extra_terms)
    for therapy in config.therapies:
        therapy_terms.extend(therapy.search_terms)
    return f"{population} AND {tiab(therapy_terms)}"
