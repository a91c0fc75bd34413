"""E-utilities settings from the environment."""

from __future__ import annotations

import pytest

from flows.settings import DEFAULT_EUTILS_URL, SettingsError, eutils_settings_from_env


def test_defaults_with_an_empty_environment():
    settings = eutils_settings_from_env({})
    assert settings.base_url == DEFAULT_EUTILS_URL
    assert settings.email is None and settings.api_key is None and settings.tool == "rifwatch"


def test_values_are_read_and_the_url_gets_its_slash():
    settings = eutils_settings_from_env({
        "NCBI_EMAIL": " ops@example.org ", "NCBI_API_KEY": "abc123",
        "RIFWATCH_EUTILS_URL": "http://127.0.0.1:8765/entrez/eutils",
    })
    assert settings.email == "ops@example.org" and settings.api_key == "abc123"
    assert settings.base_url == "http://127.0.0.1:8765/entrez/eutils/"


def test_the_key_stays_out_of_repr():
    assert "abc123" not in repr(eutils_settings_from_env({"NCBI_API_KEY": "abc123"}))


def test_blank_values_count_as_unset():
    settings = eutils_settings_from_env({"NCBI_EMAIL": "", "NCBI_API_KEY": "  "})
    assert settings.email is None and settings.api_key is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param({"NCBI_EMAIL": "not-an-address"}, "NCBI_EMAIL is not an e-mail address",
                     id="bad-email"),
        pytest.param({"RIFWATCH_EUTILS_URL": "ftp://x/"}, "must start with http",
                     id="bad-url"),
    ],
)
def test_bad_values_are_one_line_errors(env, message):
    with pytest.raises(SettingsError, match=message) as caught:
        eutils_settings_from_env(env)
    assert "\n" not in str(caught.value)
