"""The PubMed query covers the review's terms and every configured therapy."""

from __future__ import annotations

from config.schema import load_config
from flows.search_query import build_query


def test_query_has_population_and_every_therapy_term():
    config = load_config()
    query = build_query(config)
    population, therapies = query.split(" AND ", 1)
    assert '"recurrent implantation failure"[tiab]' in population
    assert '"unexplained infertility"[tiab]' in population
    for therapy in config.therapies:
        for term in therapy.search_terms:
            assert f'"{term}"[tiab]' in therapies, term
    assert "[pt]" not in query  # new records carry no publication type yet (STACK.md)
    assert query.count("(") == query.count(")")
