"""Loading the decision-making parts once per process: classifier and effect extractor."""

from __future__ import annotations

import gc

from config.schema import Config
from extractors.memo import once_per_object
from flows.cycle import Pipeline


@once_per_object  # loading the model and matchers takes seconds; a demo runs ten cycles in one process
def load_pipeline(config: Config) -> Pipeline:
    """The configured classifier and extractor, wrapped for ``flows.cycle`` (loaded once per config)."""
    from extractors.effects import EXTRACTOR_VERSION, extract_effects, preferred_effects
    from models.classify import load_classifier

    classifier = load_classifier(config)
    pipeline = Pipeline(
        classify_many=classifier.classify_many,
        extract=lambda article, therapy: extract_effects(article, therapy=therapy),
        prefer=preferred_effects,
        model_version=classifier.model.version,
        extractor_version=EXTRACTOR_VERSION,
    )
    # The model, vocabularies and spaCy's tables live as long as the process: freezing them keeps
    # every later full collection from walking them again (bench: parse and load 5-15% faster).
    gc.collect()
    gc.freeze()
    return pipeline
