"""Loading the decision-making parts once per process: classifier and effect extractor."""

from __future__ import annotations

from functools import lru_cache

from config.schema import Config
from flows.cycle import Pipeline


@lru_cache(maxsize=2)
def load_pipeline(config: Config) -> Pipeline:
    """The configured classifier and extractor, wrapped for ``flows.cycle``."""
    from extractors.effects import EXTRACTOR_VERSION, extract_effects, preferred_effects
    from models.classify import load_classifier

    classifier = load_classifier(config)
    return Pipeline(
        classify_many=classifier.classify_many,
        extract=lambda article, therapy: extract_effects(article, therapy=therapy),
        prefer=preferred_effects,
        model_version=classifier.model_version,
        extractor_version=EXTRACTOR_VERSION,
    )
