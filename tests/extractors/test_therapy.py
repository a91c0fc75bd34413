"""The randomised therapy is decided from context, not from every mention."""

from __future__ import annotations

import pytest

from extractors.therapy import find_therapies


@pytest.mark.parametrize(("title", "abstract", "primary", "route"), [
    pytest.param("Intralipid for RIF", "METHODS: Women were randomised to intralipid (IL) or saline. "
                 "RESULTS: IL did not raise live birth.", "intralipid", None, id="paper-abbreviation"),
    pytest.param("Effect of G-CSF on implantation", "BACKGROUND: Heparin has been used in RIF.\n\nMETHODS: "
                 "Women were randomized to intrauterine G-CSF or no infusion.", "g_csf", "intrauterine",
                 id="background-therapy-ignored"),
    pytest.param("G-CSF in RIF", "Women were randomised to subcutaneous G-CSF or saline.", "g_csf", "subcutaneous",
                 id="gcsf-subcutaneous"),
    pytest.param("Lenograstim in RIF", "Women were randomised to lenograstim (Granocyte) injected subcutaneously "
                 "or to no drug.", "g_csf", "subcutaneous", id="gcsf-by-another-generic-name"),
    pytest.param("Subcutaneous G-CSF in RIF", "BACKGROUND: Intrauterine G-CSF has been studied in thin endometrium.\n\n"
                 "METHODS: Women were randomised to filgrastim injected subcutaneously or to saline.", "g_csf",
                 "subcutaneous", id="route-of-the-trial-not-of-the-background"),
    pytest.param("Recombinant or urinary hCG trigger", "Women were randomised to recombinant or urinary hCG "
                 "for final oocyte maturation.", "none", None, id="hcg-trigger-is-not-intrauterine-hcg"),
    pytest.param("Intrauterine hCG before transfer", "Women were randomised to 500 IU hCG injected into the "
                 "uterine cavity or medium.", "hcg_intrauterine", "intrauterine", id="intrauterine-hcg"),
    pytest.param("PBMC in RIF", "PBMCs were cultured with hCG and infused into the uterine cavity of women "
                 "randomised to treatment.", "pbmc", "intrauterine", id="hcg-inside-pbmc-culture"),
    pytest.param("LMWH plus aspirin versus aspirin alone", "Women were randomized to enoxaparin plus aspirin "
                 "or aspirin alone.", "lmwh", None, id="co-intervention-alone"),
    pytest.param("Progesterone for luteal support", "Women were randomized to vaginal or intramuscular "
                 "progesterone. All women received LMWH.", "none", None, id="co-intervention-both-arms"),
    pytest.param("Oral versus vaginal progestogen in RIF", "Women with RIF were randomised to oral dydrogesterone or "
                 "vaginal gel. All took aspirin and prednisone as per clinic protocol.", "none", None,
                 id="co-intervention-all-took-as-per-protocol"),
    pytest.param("Cabergoline in RIF", "Women with RIF were randomised to cabergoline or placebo. Heparin was "
                 "given according to our routine practice.", "none", None, id="co-intervention-routine-practice"),
    pytest.param("Enoxaparin in RIF", "Women with RIF were randomised to enoxaparin or no injection. All received "
                 "vaginal progesterone.", "lmwh", None, id="all-received-another-drug-keeps-the-trial-drug"),
    pytest.param("Scratch in IVF", "Women were randomised. Granulosa cells (GC) were counted.", "none", None,
                 id="ambiguous-abbreviation-redefined"),
    pytest.param("Endometritis in RIF", "Samples of endometrial biopsy (EB) will be obtained from women with RIF. "
                 "The EB sample will be divided, and each part will be analysed by a different method. Women with "
                 "endometritis will receive antibiotic treatment. After this treatment a second EB sample will be "
                 "obtained.", "none", None, id="diagnostic-biopsy-under-its-abbreviation"),
    pytest.param("Scratch in RIF", "Women with RIF were randomised to a Pipelle endometrial biopsy (EB) or no "
                 "procedure. EB was performed in the luteal phase.", "scratch", None,
                 id="biopsy-as-injury-under-its-abbreviation"),
    pytest.param("Local injury before IVF", "Women in their first IVF cycle were randomly divided into two groups: "
                 "local injury to endometrium with a curette on the day of retrieval, or nothing.", "scratch", None,
                 id="injury-to-endometrium-without-article"),
    # must not change: an injury to something else is not a scratch
    pytest.param("Ovarian drilling in PCOS", "Women were randomised to drilling or gonadotropins; injury to ovarian "
                 "tissue was assessed.", "none", None, id="injury-to-other-tissue"),
])
def test_primary_therapy_and_route(title, abstract, primary, route):
    result = find_therapies(title, abstract)
    assert result.primary_therapy == primary
    if primary != "none":
        assert result.findings[0].route == route


def test_finding_span_indexes_the_abstract():
    abstract = "Women were randomised to intralipid or saline."
    finding = find_therapies("A trial", abstract).findings[0]
    assert abstract[finding.span.start:finding.span.end] == finding.span.text == "intralipid"
    assert finding.rule_id == "therapy.phrase.v1"
