"""Find a trial's arms: which group got the therapy, which is the comparator, and how big each was.

An abstract names its arms in a few ways: "the G-CSF group", "randomized to EST (n = 66) or no
scratch (n = 51)", "group A received PBMC ... group B (control)", or simply "placebo". Each arm
gets a role (``treatment`` or ``control``), the kind of control (``placebo``, ``saline``, ``sham``,
``no_treatment``, ``standard_care``, ``control``), the group size when printed, and the *keys*:
lower-case words whose mention in a later sentence refers to the arm ("g-csf", "control").

Comparisons are one per active arm against one comparator; a placebo (or saline, or sham) arm is
preferred as the comparator over no treatment, as a blinded comparison is the cleaner one.

Examples
--------
>>> arms = find_arms("117 women were randomized to EST (n = 66) or no scratch (n = 51).")
>>> [(a.role, a.name, a.size) for a in arms]
[('treatment', 'EST', 66), ('control', 'no scratch', 51)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from extractors.arm_merge import DOSE_AFTER, doses, merge_candidates
from extractors.arm_phrases import Candidate, allocation_phrases, group_phrases, sized_phrases
from extractors.arm_words import (
    PREFERRED_CONTROL,
    generic_active,
    control_kind,
    control_matches,
    hint_keys,
    hint_letters,
    therapy_regex,
)
from extractors.patterns import find_word, lowered

__all__ = ["Arm", "ArmMatcher", "ArmMention", "ArmsHint", "comparisons", "control_kind", "find_arms"]

@dataclass(frozen=True, slots=True)
class Arm:
    """One arm of a trial.

    ``keys`` are the lower-case words that refer to this arm in later sentences; ``name`` is the
    arm as first printed. ``size`` is the number randomised (or analysed) when the text gives it.
    """

    name: str
    role: str
    control_kind: str | None = None
    size: int | None = None
    start: int = -1
    keys: tuple[str, ...] = ()
    therapy: str | None = None
    order: int = -1
    hinted: str | None = None  # "intervention" or "comparator" when an ArmsHint's words name it

@dataclass(frozen=True, slots=True)
class ArmMention:
    """A mention of arm number ``arm`` at ``text[start:end]``."""

    arm: int
    start: int
    end: int

@dataclass(frozen=True, slots=True)
class ArmsHint:
    """Words for the intervention and comparator when the caller knows them (e.g. a registry entry)."""

    intervention: str
    comparator: str


#: What joins two names of one comparator: "saline placebo", "saline as (a) placebo", "placebo (saline)".
_SAME_COMPARATOR = re.compile(r"\s?|\s+as\s+(?:an?\s+)?|\s*[(\[]\s*")


def find_arms(text: str, therapy: str | None = None, hint: ArmsHint | None = None) -> list[Arm]:
    """The arms of the trial an abstract describes, in the order they are first named.

    Parameters
    ----------
    text
        The normalised abstract.
    therapy
        A therapy id from ``config/therapies.toml``; its words mark the active arm. Without it,
        every configured therapy's words do.
    hint
        The intervention and comparator as the caller knows them; their words then decide roles.
    """
    low = lowered(text)
    candidates = group_phrases(text, low) + allocation_phrases(text) + sized_phrases(text)
    # Without a therapy id, a bare therapy word ("hCG" of the trigger) does not make an arm;
    # only named groups and allocations do.
    regex, owner = therapy_regex(therapy) if therapy else (None, {})
    if regex is not None:
        for m in regex.finditer(text):
            if re.search(r"(?:\bno|\bwithout|\bnon)[\s-]+$", text[max(0, m.start() - 9):m.start()]):
                neg = re.search(r"(?:\bno|\bwithout|\bnon)[\s-]+$", text[max(0, m.start() - 9):m.start()])
                start = m.start() - len(neg.group(0))
                candidates.append(Candidate(text[start:m.end()], start, role="control",
                                             control_kind="no_treatment"))
                continue
            # "G-CSF 300 µg": the dose is part of the arm's name when trials compare doses
            dose = DOSE_AFTER.match(text, m.end())
            name = text[m.start():dose.end()] if dose else m.group(0)
            candidates.append(Candidate(name, m.start(), therapy=owner.get(m.group(0).lower()), role="treatment"))
    for m in control_matches(low):
        kind = m.lastgroup
        phrase = text[m.start():m.end()]
        if re.match(r"-\s?control", text[m.end():m.end() + 10]):
            continue  # "placebo-controlled" describes the trial
        if kind == "control" and (text[m.end():m.end() + 1] == "-" or text[max(0, m.start() - 1):m.start()] == "-"):
            continue
        if kind == "control" and re.match(r"\s*(?:group|arm)s?\b|s\b", text[m.end():m.end() + 7]) is None \
                and not re.match(r"controls\b", phrase, re.IGNORECASE) \
                and not re.search(r"(?:with|versus|vs\.?|than|to)\s+(?:the\s+)?$", text[max(0, m.start() - 12):m.start()]):
            continue  # "control of bleeding", "controlled": not an arm
        previous = candidates[-1] if candidates else None
        if previous is not None and previous.role == "control" and previous.start < m.start() and not previous.letter \
                and _SAME_COMPARATOR.fullmatch(text, previous.start + len(previous.name), m.start()):
            # "saline placebo", "normal saline as placebo", "placebo (saline)": one comparator
            # named twice over; the more specific kind names it. Not "group B (culture medium)": a
            # lettered group's definition, whose name stays the label.
            previous.name = text[previous.start:m.end()] + (")" if text[m.end():m.end() + 1] in ")]" and
                                                            "(" in text[previous.start:m.end()] else "")
            if PREFERRED_CONTROL[kind] < PREFERRED_CONTROL.get(previous.control_kind or "control", 9):
                previous.control_kind = kind
            continue
        candidates.append(Candidate(phrase, m.start(), role="control", control_kind=kind))
    if hint is not None:
        _apply_hint(candidates, text, hint)
    hint_doses = (doses(hint.intervention), doses(hint.comparator)) if hint is not None else None
    arms = merge_candidates(candidates, text, hint_doses)
    return [Arm(a.name, a.role, a.control_kind, a.size, a.start, tuple(sorted(a.keys)), a.therapy,
                a.order if a.order is not None else a.start, a.hinted) for a in arms]


def _apply_hint(candidates: list[Candidate], text: str, hint: ArmsHint) -> None:
    treat_keys, ctrl_keys = hint_keys(hint.intervention), hint_keys(hint.comparator)
    shared = treat_keys & ctrl_keys
    treat_keys, ctrl_keys = treat_keys - shared, ctrl_keys - shared
    for cand in candidates:
        words = set(hint_keys(cand.name)) | (hint_keys(cand.definition) if cand.letter else set())
        if cand.letter and cand.letter.lower() in hint_letters(hint.intervention):
            words |= treat_keys
        elif cand.letter and cand.letter.lower() in hint_letters(hint.comparator):
            words |= ctrl_keys
        t, c = len(words & treat_keys), len(words & ctrl_keys)
        if cand.letter:
            cand.keys |= words & (treat_keys if t > c else ctrl_keys if c > t else set())
        if t > c:
            cand.role, cand.control_kind, cand.hinted = "treatment", None, "intervention"
        elif c > t:
            cand.role, cand.hinted = "control", "comparator"
            cand.control_kind = cand.control_kind or control_kind(hint.comparator) or "control"
        else:
            cand.role = None
    # The hint's own words are arms even when the text never says "group".
    low = lowered(text)
    for keys, role in ((treat_keys, "treatment"), (ctrl_keys, "control")):
        for key in sorted(keys):
            pos = next(find_word(low, key.replace("-", " ")), None)
            if pos is not None:
                cand = Candidate(text[pos:pos + len(key)], pos, role=role,
                                 hinted="intervention" if role == "treatment" else "comparator")
                if role == "control":
                    cand.control_kind = control_kind(hint.comparator) or "control"
                candidates.append(cand)


class ArmMatcher:
    """Finds mentions of a trial's arms in its abstract.

    Keys are looked up in a lower-cased copy of the text (hyphens read as spaces), longest first;
    "no scratch", "without G-CSF" (a negated key of an active arm) is a mention of the comparator.
    """

    def __init__(self, arms: Sequence[Arm], text: str):
        self.text = text
        self.low = lowered(text)
        entries: dict[str, int] = {}
        pairs = comparisons(arms)
        owners: dict[str, set[int]] = {}
        for i, arm in enumerate(arms):
            for key in arm.keys:
                owners.setdefault(key.replace("-", " "), set()).add(i)
        for key, held in owners.items():
            if len(held) == 1:  # "g-csf" of both "G-CSF 100 µg" and "G-CSF 300 µg" names neither
                entries[key] = next(iter(held))
        if pairs:
            control = pairs[0][1]
            for t in {t for t, _ in pairs}:
                for key in arms[t].keys:
                    for neg in ("no ", "without ", "non "):
                        entries[neg + key.replace("-", " ")] = control
        self.entries = sorted(entries.items(), key=lambda kv: -len(kv[0]))

    def mentions(self, start: int = 0, end: int | None = None) -> list[ArmMention]:
        """Mentions in ``text[start:end]``, left to right, never overlapping."""
        end = len(self.text) if end is None else end
        taken: list[ArmMention] = []
        for key, arm in self.entries:
            for pos in find_word(self.low, key, start, end):
                stop = pos + len(key)
                if self.low.startswith(" control", stop) and self.text[stop] == "-":
                    continue  # "placebo-controlled" describes the trial
                if generic_active(key) and not _GROUP_AFTER.match(self.low, stop):
                    continue  # "study" names the arm as "the study group", never "both study groups", "observation period"
                if any(m.start < stop and pos < m.end for m in taken):
                    continue
                taken.append(ArmMention(arm, pos, stop))
        return sorted(taken, key=lambda m: m.start)


#: What must follow a generic active name ("study", "intervention") for it to name the arm.
_GROUP_AFTER = re.compile(r" (?:group|arm|patients|women|participants)\b(?!s)"
                          r"| (?:and|or|vs\.?|versus) (?:the )?(?:[\w-]+ ){1,2}(?:groups?|arms?)\b")  # "study and control groups"


def comparisons(arms: Sequence[Arm], every_control: bool = False) -> list[tuple[int, int]]:
    """``(treatment index, control index)`` pairs: each active arm against the preferred control,
    or with ``every_control`` against each control, the preferred one first.

    When an :class:`ArmsHint` named both an intervention and a comparator arm, only their
    comparisons are made: the caller said which comparison it asks about.

    Examples
    --------
    >>> arms = [Arm("G-CSF", "treatment"), Arm("no treatment", "control", "no_treatment"),
    ...         Arm("placebo", "control", "placebo"), Arm("hCG", "treatment")]
    >>> comparisons(arms), comparisons(arms, every_control=True)
    ([(0, 2), (3, 2)], [(0, 2), (3, 2), (0, 1), (3, 1)])
    """
    controls = [i for i, a in enumerate(arms) if a.role == "control"]
    treatments = [i for i, a in enumerate(arms) if a.role == "treatment"]
    hinted_t = [i for i in treatments if arms[i].hinted == "intervention"]
    hinted_c = [i for i in controls if arms[i].hinted == "comparator"]
    if hinted_t and hinted_c:
        treatments, controls = hinted_t, hinted_c
    if not controls:
        return []
    ranked = sorted(controls, key=lambda i: (PREFERRED_CONTROL.get(arms[i].control_kind or "control", 9), i))
    chosen = ranked if every_control else ranked[:1]
    return [(t, c) for c in chosen for t in treatments]
