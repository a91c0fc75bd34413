"""Loading the decision-making parts once per process: classifier and effect extractor."""

from __future__ import annotations

from pathlib import Path

from config.schema import Config
from flows.cycle import Pipeline

#: Loaded pipelines by configuration folder. Not ``lru_cache`` on the ``Config``: it holds
#: read-only mappings (``types.MappingProxyType``), which cannot be hashed.
_LOADED: dict[Path, Pipeline] = {}


def load_pipeline(config: Config) -> Pipeline:
    """The configured classifier and extractor, wrapped for ``flows.cycle`` (loaded once per folder)."""
    found = _LOADED.get(config.directory)
    if found is None:
        found = _LOADED[config.directory] = _build(config)
    return found


def _build(config: Config) -> Pipeline:
    from extractors.effects import EXTRACTOR_VERSION, extract_effects, preferred_effects
    from models.classify import load_classifier

    classifier = load_classifier(config)
    return Pipeline(
        classify_many=classifier.classify_many,
        extract=lambda article, therapy: extract_effects(article, therapy=therapy),
        prefer=preferred_effects,
        model_version=classifier.model.version,
        extractor_version=EXTRACTOR_VERSION,
    )
