"""load_classifier wires the committed artifact, operating points and extractors together."""

from __future__ import annotations

import pytest

from config.loader import ConfigError
from extractors.records import Article
from models.classify import load_classifier


@pytest.fixture(scope="module")
def classifier():
    return load_classifier()


def test_classifies_a_rif_trial(classifier):
    article = Article(pmid="1", title="Intralipid for repeated implantation failure: a randomised trial",
                      abstract="METHODS: Women with at least three failed embryo transfers were randomly assigned "
                               "to intralipid or saline. RESULTS: Live birth 30% vs 27% (p = 0.6).")
    result = classifier.classify(article)
    assert result.is_rct and result.design == "rct"
    assert (result.primary_therapy, result.population, result.rif_min_failures) == ("intralipid", "rif", 3)
    assert result.operating_point == "balanced" and result.model_version.startswith("rct-linear-")


def test_registry_entry_is_a_registration_not_a_report(classifier):
    result = classifier.classify(Article(pmid="NCT01234567", title="G-CSF in RIF",
                                         abstract="Women will be randomized to G-CSF or saline.", source_format="ctgov"))
    assert (result.design, result.is_rct) == ("trial_registration", False)


def test_indexed_publication_type_decides(classifier):
    article = Article(pmid="2", title="A note", abstract="", publication_types=("Randomized Controlled Trial",),
                      indexing_status="MEDLINE")
    assert classifier.classify(article).is_rct


def test_unknown_operating_point_is_one_line():
    with pytest.raises(ConfigError, match="no operating point 'loose'"):
        load_classifier(operating_point="loose")


def test_batch_equals_one_by_one(classifier):
    articles = [Article(pmid=str(i), title=t, abstract="Patients were randomized.") for i, t in
                enumerate(["Aspirin in IVF", "Heparin in RIF"])]
    assert classifier.classify_many(articles) == [classifier.classify(a) for a in articles]
