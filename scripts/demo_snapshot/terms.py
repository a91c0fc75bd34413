"""NLM vocabulary the reconstructed records use: publication types, MeSH headings, journals.

The identifiers (``UI``) are NLM's own for these terms; PubMed's DTD requires one on every
``PublicationType`` and ``DescriptorName``. Nothing in rifwatch decides anything from a MeSH UI,
so the list is kept short: the terms the records need and no more.

Journals: a real journal is named only where the seeds (or an unmistakable citation) make it
certain; every other record carries the clearly labelled placeholder, so no reader can mistake a
reconstruction for a real journal's text.
"""

from __future__ import annotations

from dataclasses import dataclass

#: PubMed publication types (NLM's PT list).
PUBLICATION_TYPES = {
    "Journal Article": "D016428",
    "Review": "D016454",
    "Randomized Controlled Trial": "D016449",
    "Clinical Trial": "D016430",
    "Multicenter Study": "D016448",
    "Meta-Analysis": "D017418",
    "Systematic Review": "D000078182",
    "Comparative Study": "D003160",
    "Observational Study": "D064888",
    "Practice Guideline": "D017065",
    "Clinical Trial Protocol": "D000078325",
}

#: MeSH descriptors used by the indexed (Status="MEDLINE") records.
MESH = {
    "Humans": "D006801",
    "Female": "D005260",
    "Pregnancy": "D011247",
    "Adult": "D000328",
    "Fertilization in Vitro": "D005307",
    "Embryo Transfer": "D004624",
    "Embryo Implantation": "D010064",
    "Pregnancy Rate": "D018873",
    "Live Birth": "D050497",
    "Pregnancy Outcome": "D011256",
    "Infertility, Female": "D007247",
    "Abortion, Habitual": "D000026",
    "Abortion, Spontaneous": "D000022",
    "Blastocyst": "D001755",
    "Endometrium": "D004717",
    "Sperm Injections, Intracytoplasmic": "D020554",
    "Chorionic Gonadotropin": "D006063",
    "Granulocyte Colony-Stimulating Factor": "D016179",
    "Heparin, Low-Molecular-Weight": "D006495",
    "Enoxaparin": "D017984",
    "Immunoglobulins, Intravenous": "D016756",
    "Fat Emulsions, Intravenous": "D005217",
    "Aspirin": "D001241",
    "Prednisolone": "D011239",
    "Glucocorticoids": "D005938",
    "Leukocytes, Mononuclear": "D007963",
    "Platelet-Rich Plasma": "D053657",
    "Killer Cells, Natural": "D007694",
    "T-Lymphocytes, Regulatory": "D050378",
    "Th17 Cells": "D058504",
    "Autoantibodies": "D001323",
    "Thrombophilia": "D019851",
    "Immunomodulation": "D056747",
    "Treatment Outcome": "D016896",
    "Retrospective Studies": "D012189",
    "Prospective Studies": "D011446",
    "Randomized Controlled Trials as Topic": "D016032",
    "Injections, Subcutaneous": "D007279",
    "Blood Flow Velocity": "D001783",
}


@dataclass(frozen=True, slots=True)
class Journal:
    """What ``Journal`` and ``MedlineJournalInfo`` print for a record."""

    title: str
    iso_abbreviation: str
    medline_ta: str
    country: str | None


#: The placeholder every reconstruction without a certain journal carries.
PLACEHOLDER = Journal(
    title="Journal not recorded (rifwatch reconstruction)",
    iso_abbreviation="Journal not recorded",
    medline_ta="Journal not recorded",
    country=None,
)

JOURNALS = {
    "placeholder": PLACEHOLDER,
    # The seed review itself: Reproduction (2023) 165 R39-R60.
    "reproduction": Journal("Reproduction (Cambridge, England)", "Reproduction", "Reproduction",
                            "England"),
    # The seed calls Lensen 2021 "a 2021 Cochrane review" and Craciunas 2018 "a recently
    # published Cochrane meta-analysis".
    "cochrane": Journal("The Cochrane database of systematic reviews",
                        "Cochrane Database Syst Rev", "Cochrane Database Syst Rev", "England"),
    # Lensen 2019, the large open-label trial of endometrial scratching before IVF.
    "nejm": Journal("The New England journal of medicine", "N Engl J Med", "N Engl J Med",
                    "United States"),
}
