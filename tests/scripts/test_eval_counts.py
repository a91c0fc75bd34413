"""The counts evaluation's own logic: the split, and whether an article prints a gold tuple."""

from __future__ import annotations

from types import SimpleNamespace

from scripts.eval_counts import HALVES, gold_printed, read_split


def _gold(text: str, counts: tuple[int, int, int, int]):
    return SimpleNamespace(article=SimpleNamespace(abstract=text), counts=counts)


def test_the_split_is_two_disjoint_halves_of_twelve_articles():
    split = read_split()
    halves = {h: {p for p, half in split.items() if half == h} for h in HALVES}
    assert [len(halves[h]) for h in HALVES] == [12, 12]
    assert not halves["development"] & halves["heldout"]


def test_printed_gold_in_prose_and_in_a_table():
    assert gold_printed(_gold("Death: 4/103 (3.9%) vs 18/97 (18.6%).", (4, 103, 18, 97))) == "prose"
    assert gold_printed(_gold("| Death | 4 (3.9%) | 18 (18.6%) |", (4, 103, 18, 97))) == "table"


def test_gold_the_article_does_not_print_is_classed_apart():
    # 0.441 of 1,525 households: the annotators multiplied, the article never printed 673
    assert gold_printed(_gold("| Latrine | 1,525 | 0.441 |", (673, 1525, 366, 1514))) is None
    # a percentage another total gives does not count as printing this one
    assert gold_printed(_gold("Death: 4 (30.0%) vs 18 (18.6%).", (4, 103, 18, 97))) is None
