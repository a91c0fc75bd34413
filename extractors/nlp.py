"""The shared spaCy pipeline: ``spacy.blank("en")`` with a sentencizer, built once per process.

No statistical model is downloaded (none can be installed here, STACK.md); the blank English
tokenizer, the rule-based sentencizer and the matchers are enough for the rules in
``extractors/``. Other extractors reuse :func:`get_nlp` so the pipeline is built once.

Examples
--------
>>> doc = get_nlp()("Women were randomised. Both groups received LMWH.")
>>> [s.text for s in doc.sents]
['Women were randomised.', 'Both groups received LMWH.']
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The blank English pipeline with a sentencizer (cached: build it once per process)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
