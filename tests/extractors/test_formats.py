"""Format sniffing and dispatch for ``rifwatch import``: PubMed XML, MEDLINE, or a clear refusal."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from extractors.formats import UnknownFormatError, parse_any, sniff_format
from extractors.medline import parse_medline
from extractors.pubmed_xml import parse_pubmed_xml
from extractors.sources import RecordFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"


@pytest.mark.parametrize(
    ("name", "expected"),
    [pytest.param("ivf_trials_2025.xml", "pubmed_xml", id="xml-2025"),
     pytest.param("doctype_2012.xml", "pubmed_xml", id="xml-2012"),
     pytest.param("ivf_trials.nbib", "medline", id="medline")],
)
def test_fixtures_are_recognised_plain_and_gzipped(name, expected, tmp_path):
    path = FIXTURES / name
    assert sniff_format(path) == expected
    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert sniff_format(packed) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(b"<!DOCTYPE html>\n<html><head></head></html>",
                     "input: an HTML page, not PubMed XML or MEDLINE text", id="html"),
        pytest.param(b'<?xml version="1.0"?>\n<!-- note -->\n<!DOCTYPE eSearchResult [\n'
                     b'<!ENTITY x "y">]>\n<eSearchResult/>',
                     "input: not PubMed XML (root is <eSearchResult>)", id="esearch-internal-dtd"),
        pytest.param(b"pmid,title\n1,A trial\n",
                     "input: neither PubMed XML nor MEDLINE text (starts with 'pmid,title')",
                     id="csv"),
        pytest.param(b" \n\t\n", "input: empty file", id="blank"),
        pytest.param(b'<?xml version="1.0"?>', "input: XML without a root element", id="no-root"),
        pytest.param(gzip.compress(b"PMID- 1\n")[:8], "input: corrupt gzip data", id="bad-gzip"),
    ],
)
def test_anything_else_is_refused_in_one_line(head, expected):
    with pytest.raises(UnknownFormatError) as caught:
        sniff_format(head)
    assert str(caught.value).startswith(expected)
    assert "\n" not in str(caught.value)


def test_parse_any_dispatches_to_the_right_parser():
    for name, parser in [("ivf_trials_2025.xml", parse_pubmed_xml),
                         ("ivf_trials.nbib", parse_medline)]:
        path = FIXTURES / name
        assert list(parse_any(path)) == list(parser(path))


def test_parse_any_refuses_before_yielding_and_names_the_file():
    path = FIXTURES / "esearch_reply.xml"
    with pytest.raises(RecordFileError, match=r"esearch_reply\.xml: not PubMed XML \(root is "
                                              r"<eSearchResult>\)"):
        parse_any(path)  # raises on the call itself, not on first iteration


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        parse_any(tmp_path / "absent.xml")


def test_a_folder_is_refused_in_one_line(tmp_path):
    with pytest.raises(RecordFileError, match=r": cannot be read \(Is a directory\)$"):
        parse_any(tmp_path)


def test_real_files_are_sniffed(shared_data):
    entrez = shared_data / "biopython_entrez" / "Entrez"
    for path in sorted(entrez.glob("*.xml")):
        if path.name.startswith("pubmed"):
            assert sniff_format(path) == "pubmed_xml", path.name
        else:
            with pytest.raises(UnknownFormatError, match=r"not PubMed XML \(root is <"):
                sniff_format(path)
    for path in [*(shared_data / "biopython_entrez" / "Medline").glob("*.txt"),
                 shared_data / "robotreviewer_medline" / "pubmed_dev.medline.txt"]:
        assert sniff_format(path) == "medline", path.name
    with pytest.raises(UnknownFormatError, match="neither PubMed XML nor MEDLINE"):
        sniff_format(shared_data / "pubmed_labelled" / "pubmed_records_pt_labels.csv")


def test_publication_types_of_real_records_agree_with_the_labelled_csv(
        real_xml_files, real_medline_files, labelled_publication_types):
    """The labelled CSV was built from these records' own PT fields; both parsers must agree."""
    checked = 0
    for path in [*real_xml_files, *real_medline_files]:
        for article in parse_any(path):
            if article.pmid in labelled_publication_types:
                assert set(article.publication_types) == labelled_publication_types[article.pmid]
                checked += 1
    assert checked >= 800, f"only {checked} records overlap the labelled CSV"
