"""The bundled configuration loads, and bad files fail with one line naming file, key and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from config.loader import PACKAGE_DIR, ConfigError
from config.schema import CONTRACT_THERAPIES, load_config


@pytest.fixture()
def config_copy(tmp_path: Path) -> Path:
    for toml in PACKAGE_DIR.glob("*.toml"):
        shutil.copy(toml, tmp_path / toml.name)
    return tmp_path


def test_bundled_config_loads_with_every_contract_therapy():
    config = load_config()
    assert set(CONTRACT_THERAPIES) <= set(config.therapy_ids)
    assert [s.id for s in config.strata] == ["rif_any", "rif_ge2", "rif_ge3"]
    assert config.outcomes[0].id == "live_birth"


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, f"fixture edit did not apply: {old!r}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param("therapies.toml", 'phrases = ["aspirin"', 'phrasez = ["aspirin"',
                     "config/therapies.toml: therapy[5].phrasez: unknown key", id="unknown-key"),
        pytest.param("schedule.toml", 'cron = "0 6 * * 1"', 'cron = "every monday"',
                     "config/schedule.toml: cron: 'every monday' is not a five-field cron", id="bad-cron"),
        pytest.param("monitoring.toml", "alpha = 0.05\n", "alpha = 1.5\n",
                     "config/monitoring.toml: alpha: 1.5 is outside (0, 1)", id="alpha-range"),
        pytest.param("search.toml", "overlap_days = 3", 'overlap_days = "three"',
                     "config/search.toml: overlap_days: expected an integer, got a string", id="wrong-type"),
        pytest.param("strata.toml", 'id = "rif_ge3"', 'id = "rif_ge9"',
                     "config/strata.toml: stratum[2].id: 'rif_ge9' is not one of", id="unknown-stratum"),
        pytest.param("therapies.toml", 'id = "atosiban"', 'id = "atosiban_x"',
                     "config/therapies.toml: therapy 'atosiban' of CONTRACT.md is missing", id="contract-id-missing"),
        pytest.param("outcomes.toml", "[[outcome]]\nid = \"live_birth\"", "[[outcome]\nid = \"live_birth\"",
                     "config/outcomes.toml: not valid TOML", id="malformed-toml"),
    ],
)
def test_bad_config_is_one_line_naming_file_key_and_problem(config_copy, name, old, new, expected):
    _edit(config_copy, name, old, new)
    with pytest.raises(ConfigError) as info:
        load_config(config_copy)
    message = str(info.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_missing_file_is_named(config_copy):
    (config_copy / "digest.toml").unlink()
    with pytest.raises(ConfigError, match=r"^config/digest.toml: file not found"):
        load_config(config_copy)
