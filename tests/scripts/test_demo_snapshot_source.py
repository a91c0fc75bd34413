"""The snapshot's TOML source is validated: a bad edit fails with one line naming file and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from config.loader import ConfigError
from scripts.demo_snapshot.records import SOURCE_DIR, load_weeks


@pytest.fixture()
def source_copy(tmp_path: Path) -> Path:
    for toml in SOURCE_DIR.glob("*.toml"):
        shutil.copy(toml, tmp_path / toml.name)
    return tmp_path


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture edit did not apply: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param("2026-W37.toml", 'key = "coulam1994"', 'kee = "coulam1994"',
                     "2026-W37.toml: record[1].kee: unknown key", id="unknown-key"),
        pytest.param("2026-W37.toml", 'design = "case_series"', 'design = "case series"',
                     "'case series' is not one of", id="design-outside-contract"),
        pytest.param("2026-W37.toml", 'entry = "2026-09-08 11:02"', 'entry = "2026-09-15 11:02"',
                     "is outside 2026-09-07..2026-09-13", id="entry-outside-week"),
        pytest.param("2026-W37.toml", "pmid = 90000002", "pmid = 90000009",
                     "PMIDs must rise with entry time", id="pmid-order"),
        pytest.param("2026-W39.toml", 'evidence_text = "Live birth per embryo transfer cycle was 33.3%',
                     'evidence_text = "Live birth per transfer cycle was 33.3%',
                     "expected.effects[0].evidence_text is not in the rendered abstract", id="span-missing"),
        pytest.param("2026-W38.toml", 'P = 0.014"', 'P = 0.014; I2 = 58.2%"',
                     "expected.effects[0].evidence_text is not in the rendered abstract", id="span-crosses-sup"),
        pytest.param("2026-W40.toml", 'subgroup = "cleavage-stage transfer',
                     'pool = true\nsubgroup = "cleavage-stage transfer',
                     "marked pool but the record is not a RIF RCT", id="pool-outside-rif-rct"),
        pytest.param("2026-W43.toml", 'status = "In-Data-Review"\nyear = 2019',
                     'status = "In-Data-Review"\nyear = 2019\nmesh = ["Humans"]',
                     "MeSH only on indexed (MEDLINE) records", id="mesh-before-indexing"),
        pytest.param("2026-W46.toml", "pmid = 90000031", "pmid = 90000099",
                     "deletion 90000099: unknown PMID", id="delete-unknown"),
    ],
)
def test_bad_source_fails_with_one_line(source_copy: Path, name: str, old: str, new: str, expected: str):
    _edit(source_copy, name, old, new)
    with pytest.raises(ConfigError) as caught:
        load_weeks(source_copy)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


def test_a_week_outside_the_plan_is_refused(source_copy: Path):
    shutil.copy(source_copy / "2026-W46.toml", source_copy / "2026-W47.toml")
    with pytest.raises(ConfigError, match="not a week of the plan"):
        load_weeks(source_copy)


def test_unbalanced_markup_is_refused(source_copy: Path):
    _edit(source_copy, "2026-W39.toml", "(<i>P</i> = 0.04)", "(<i>P = 0.04)")
    with pytest.raises(ValueError, match="unclosed <i>"):
        load_weeks(source_copy)
