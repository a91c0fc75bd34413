"""Compose the stored abstract from its sections, and find the sections of a flattened one.

Both parsers store an abstract in one shape, so offsets mean the same whatever the source:
sections joined by a blank line, each starting with ``LABEL: `` when it has a label. The XML
parser has the sections already; MEDLINE text has them inline ("BACKGROUND: ... METHODS: ..."),
and :func:`split_inline_labels` recovers them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.records import Section

#: Separator between sections in the stored abstract (a blank line, as the Article contract says).
SECTION_SEPARATOR = "\n\n"

#: Upper-case abbreviations that can precede a colon inside running text ("AUC: 0.81") and must not
#: be taken for section labels. Source: the ratio and summary names used in trial abstracts.
NOT_LABELS = frozenset({
    "AUC", "ARR", "BMI", "IQR", "NNH", "NNT", "RRR", "SEM", "SMD", "WMD", "ICC", "ROC", "AOR",
    "IVF", "ICSI", "FET", "HCG", "PGT", "AMH", "FSH", "NCT", "ISRCTN", "DOI", "URL", "PMID",
})

#: Words of the usual structured-abstract headings. A label made only of these is recognised even
#: when the section before it lacks a final period ("METHOD: Case report RESULTS: ..."); any other
#: upper-case label must follow a sentence end. Source: headings in NLM's structured abstracts.
HEADING_WORDS = frozenset({
    "BACKGROUND", "OBJECTIVE", "OBJECTIVES", "AIM", "AIMS", "PURPOSE", "INTRODUCTION", "CONTEXT",
    "HYPOTHESIS", "METHOD", "METHODS", "MATERIAL", "MATERIALS", "DESIGN", "SETTING", "SETTINGS",
    "PATIENT", "PATIENTS", "PARTICIPANTS", "SUBJECTS", "POPULATION", "INTERVENTION",
    "INTERVENTIONS", "MAIN", "PRIMARY", "SECONDARY", "OUTCOME", "OUTCOMES", "MEASURE", "MEASURES",
    "MEASUREMENTS", "RESULT", "RESULTS", "FINDINGS", "CONCLUSION", "CONCLUSIONS", "INTERPRETATION",
    "LIMITATIONS", "SIGNIFICANCE", "TRIAL", "REGISTRATION", "STUDY", "AND", "OF",
})
#: Heading words that only qualify another ("MAIN OUTCOME MEASURES", "STUDY DESIGN"); a heading
#: never ends in one, so "the PREVENT TRIAL:" is not taken for a label.
QUALIFYING_WORDS = frozenset({"AND", "OF", "MAIN", "PRIMARY", "SECONDARY", "STUDY", "TRIAL",
                              "MATERIAL", "MATERIALS"})

# A label: upper-case words (digits, "(S)", "&", "/", "-", "," and "'" allowed inside, as in
# "PATIENT(S):" or "DESIGN, SETTING, AND PARTICIPANTS:") followed by a colon and a space, at the
# start of the text or after a space.
_LABEL = re.compile(r"(?:^|(?<= ))(?P<label>[A-Z][A-Z0-9'()/&,\- ]*[A-Z)]):\s+")
_SENTENCE_END = frozenset(".?!)]")
_HEADING_WORD = re.compile(r"[A-Z]+")
_MIN_LABEL_LETTERS = 3  # "AIM" is the shortest label in use; "OR:"/"CI:"/"HR:" are not labels


def compose_abstract(
    parts: Iterable[tuple[str, str, str]],
) -> tuple[str, tuple[Section, ...]]:
    """Join ``(label, category, text)`` parts into the stored abstract and its sections.

    Parts with empty text are dropped. Each section's offsets slice its text (not its label) out
    of the abstract.

    Parameters
    ----------
    parts
        ``(label, category, text)`` in order; ``label`` and ``category`` may be ``""``.

    Returns
    -------
    tuple of (str, tuple of Section)
        The abstract and one section per non-empty part.

    Examples
    --------
    >>> abstract, sections = compose_abstract([("AIM", "OBJECTIVE", "To test G-CSF."),
    ...                                        ("", "", "Unlabelled part.")])
    >>> abstract
    'AIM: To test G-CSF.\\n\\nUnlabelled part.'
    >>> [abstract[s.start:s.end] for s in sections]
    ['To test G-CSF.', 'Unlabelled part.']
    """
    pieces: list[str] = []
    sections: list[Section] = []
    offset = 0
    for label, category, text in parts:
        if not text:
            continue
        if pieces:
            pieces.append(SECTION_SEPARATOR)
            offset += len(SECTION_SEPARATOR)
        prefix = f"{label}: " if label else ""
        pieces.append(prefix + text)
        start = offset + len(prefix)
        sections.append(Section(label=label, category=category, start=start, end=start + len(text)))
        offset = start + len(text)
    return "".join(pieces), tuple(sections)


def split_inline_labels(text: str) -> list[tuple[str, str, str]]:
    """Split a flattened structured abstract into ``(label, "", text)`` parts.

    Only an abstract that *starts* with a label is split: structured abstracts always do, and
    requiring it keeps an unstructured abstract that happens to contain "RESULTS:" in one piece.
    NLM categories are not in MEDLINE text, so the category is always ``""``. Whitespace runs
    become one space first, as they do everywhere in the stored abstract.

    Parameters
    ----------
    text
        The abstract as MEDLINE's ``AB`` field gives it.

    Returns
    -------
    list of (str, str, str)
        ``(label, "", text)`` parts for :func:`compose_abstract`; one unlabelled part for an
        unstructured abstract, none for empty text.

    Examples
    --------
    >>> split_inline_labels("PATIENT(S): 120 women. RESULT(S): The OR: 1.4 was seen.")
    [('PATIENT(S)', '', '120 women.'), ('RESULT(S)', '', 'The OR: 1.4 was seen.')]
    >>> split_inline_labels("Women with RIF were randomised.")
    [('', '', 'Women with RIF were randomised.')]
    """
    text = " ".join(text.split())
    labels = _find_labels(text)
    if not labels or labels[0][0] != 0:
        return [("", "", text)] if text else []
    parts = []
    for (_, label, text_start), following in zip(labels, [*labels[1:], None], strict=True):
        end = following[0] if following else len(text)
        parts.append((label, "", text[text_start:end].strip()))
    return parts


def _find_labels(text: str) -> list[tuple[int, str, int]]:
    """``(label start, label, text start)`` of each label, in order.

    A candidate like "ELISA RESULTS:" that is not a label as a whole may still end in one, so
    leading words are dropped one at a time before the candidate is given up.
    """
    found = []
    for match in _LABEL.finditer(text):
        label, start = match.group("label"), match.start()
        while not _is_label(label, text, start):
            space = label.find(" ")
            if space < 0:
                break
            start += space + 1
            label = label[space + 1:]
        else:
            found.append((start, label, match.end()))
    return found


def _is_label(label: str, text: str, start: int) -> bool:
    letters = sum(char.isalpha() for char in label)
    if letters < _MIN_LABEL_LETTERS or label in NOT_LABELS:
        return False
    if start == 0 or text[start - 2] in _SENTENCE_END:
        return True
    words = _HEADING_WORD.findall(label.replace("(S)", ""))
    return all(word in HEADING_WORDS for word in words) and words[-1] not in QUALIFYING_WORDS
