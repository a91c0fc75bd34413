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

from extractors.arm_phrases import (
    Candidate,
    allocation_phrases,
    each_size,
    group_phrases,
    size_before,
    sized_phrases,
)
from extractors.arm_words import (
    PREFERRED_CONTROL,
    TREATMENT_WORDS,
    control_kind,
    control_matches,
    hint_keys,
    hint_letters,
    terms_in,
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
            dose = _DOSE_AFTER.match(text, m.end())
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
        if previous is not None and previous.role == "control" and previous.start < m.start() \
                and _SAME_COMPARATOR.fullmatch(text, previous.start + len(previous.name), m.start()):
            # "saline placebo", "normal saline as placebo", "placebo (saline)": one comparator
            # named twice over; the more specific kind names it
            previous.name = text[previous.start:m.end()] + (")" if text[m.end():m.end() + 1] in ")]" and
                                                            "(" in text[previous.start:m.end()] else "")
            if PREFERRED_CONTROL[kind] < PREFERRED_CONTROL.get(previous.control_kind or "control", 9):
                previous.control_kind = kind
            continue
        candidates.append(Candidate(phrase, m.start(), role="control", control_kind=kind))
    if hint is not None:
        _apply_hint(candidates, text, hint)
    return _merge(candidates, text, hint)


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


def _role(cand: Candidate) -> None:
    if cand.role:
        return
    kind = control_kind(cand.name)
    if kind:
        cand.role, cand.control_kind = "control", kind
        return
    regex, owner = therapy_regex(None)
    hit = regex.search(cand.name) if regex is not None else None
    if hit and re.search(r"(?:\bno|\bwithout|\bnon)[\s-]+$", cand.name[:hit.start()], re.IGNORECASE):
        cand.role, cand.control_kind = "control", "no_treatment"  # "no tacrolimus (n = 40)"
    elif hit:
        cand.role, cand.therapy = "treatment", owner.get(hit.group(0).lower())
        cand.keys |= terms_in(cand.name, cand.therapy)
    elif TREATMENT_WORDS.match(cand.name):
        cand.role = "treatment"


def _merge(candidates: list[Candidate], text: str, hint: ArmsHint | None = None) -> list[Arm]:
    """Fold the candidate phrases into arms: one per control kind, one per active identity."""
    for cand in candidates:
        _role(cand)
        cand.keys.add(cand.name.lower())
    candidates = [c for c in candidates if c.role in ("treatment", "control")]
    candidates.sort(key=lambda c: c.start)
    arms: list[Candidate] = []
    specific = {c.control_kind for c in candidates if c.role == "control" and c.control_kind != "control"
                and not c.letter}
    for cand in candidates:
        if len(specific) > 1 and _generic_control(cand):
            continue  # "the control group" of a trial with two comparators: placed below
        target = _same_arm(arms, cand)
        if target is None:
            arms.append(cand)
            continue
        target.keys |= cand.keys
        target.hinted = target.hinted or cand.hinted
        if target.size is None:
            target.size = cand.size
        if target.therapy is None:
            target.therapy = cand.therapy
        if target.order is None:
            target.order = cand.order
    if len(specific) > 1:
        for cand in (c for c in candidates if _generic_control(c)):
            _place_generic_control(arms, cand, text)
        arms.sort(key=lambda a: a.start)
    # Generic active names ("intervention group", "study group") join the one active arm.
    active = [a for a in arms if a.role == "treatment"]
    generic = [a for a in active if TREATMENT_WORDS.match(a.name)]
    specific = [a for a in active if not TREATMENT_WORDS.match(a.name)]
    if generic and len({a.therapy or a.name.lower() for a in specific}) <= 1 and specific:
        for g in generic:
            specific[0].keys |= g.keys
            specific[0].size = specific[0].size or g.size
            specific[0].order = specific[0].order if specific[0].order is not None else g.order
            arms.remove(g)
    _negated_keys(arms)
    low = lowered(text)
    for a in arms:
        if a.size is None:
            a.size = size_before(text, low, a)
    each = each_size(text) if len(arms) >= 2 and any(a.size is None for a in arms) else None
    for a in arms:
        if a.size is None and each is not None:
            a.size = each
    if hint is not None:
        _hinted_dose(arms, hint)
    return [Arm(a.name, a.role, a.control_kind, a.size, a.start, tuple(sorted(a.keys)), a.therapy,
                a.order if a.order is not None else a.start, a.hinted) for a in arms]


def _generic_control(cand: Candidate) -> bool:
    return cand.role == "control" and cand.control_kind == "control" and not cand.letter


def _place_generic_control(arms: list[Candidate], cand: Candidate, text: str) -> None:
    """"The control group" when the text names two comparators (saline and no infusion): the one
    named in the same sentence ("women who had no infusion formed the control group"), else the
    one untreated arm (a placebo arm is called by its name), else the one with a randomized size
    ("placebo (n = 50) ... the placebo consisted of normal saline"), else the first named."""
    controls = [a for a in arms if a.role == "control" and a.control_kind != "control"]
    near = [a for a in controls if not re.search(r"[.;]\s", text[min(a.start, cand.start):max(a.start, cand.start)])]
    untreated = [a for a in controls if a.control_kind in ("no_treatment", "standard_care")]
    sized = [a for a in controls if a.size is not None]
    target = near[-1] if len(near) >= 1 and len({a.control_kind for a in near}) == 1 else \
        untreated[0] if len(untreated) == 1 else sized[0] if len(sized) == 1 else \
        next((a for a in arms if a.role == "control"), None)
    if target is None:
        arms.append(cand)
        return
    target.keys |= cand.keys
    if target.size is None:
        target.size = cand.size
    if target.order is None:
        target.order = cand.order


_NEGATED = re.compile(r"(?i:no|without)\s+(?P<what>.+)")


def _negated_keys(arms: list[Candidate]) -> None:
    """"randomized to endometrial scratching or no scratch": the word negated in the comparator's
    name ("scratch") then names the active arm too ("26/66 after scratch")."""
    active = [a for a in arms if a.role == "treatment"]
    if len(active) != 1:
        return
    taken = {k for a in arms for k in a.keys}
    for arm in arms:
        m = _NEGATED.fullmatch(arm.name) if arm.role == "control" else None
        if m is None:
            continue
        what = lowered(m.group("what"))
        if what in taken or what in _GENERIC_NEGATED:
            continue
        words = {w for k in active[0].keys | {active[0].name.lower()} for w in lowered(k).split()}
        if all(any(_SUFFIXED.fullmatch(w[len(part):]) and w.startswith(part) for w in words)
               for part in what.split()):
            active[0].keys.add(what)


#: What may follow a negated word in the active arm's name ("scratch" in "scratching").
_SUFFIXED = re.compile(r"|s|es|ing|ed|ation|al")
#: Negated words that name no particular therapy ("no treatment").
_GENERIC_NEGATED = frozenset("treatment intervention therapy medication injection infusion drug drugs".split())


def _same_arm(arms: list[Candidate], cand: Candidate) -> Candidate | None:
    for arm in arms:
        if arm.role != cand.role:
            continue
        if cand.letter or arm.letter:
            if cand.letter and cand.letter == arm.letter:
                return arm
            if cand.letter and arm.letter is None and arm.name.lower() in cand.keys:
                arm.letter = cand.letter
                arm.keys |= cand.keys
                return arm
            if cand.letter is None and arm.letter and (
                    cand.name.lower() in arm.keys
                    or (arm.role == "control" and cand.control_kind == arm.control_kind)
                    or (arm.role == "treatment" and cand.therapy and cand.therapy == arm.therapy)):
                return arm
            continue
        if arm.role == "control":
            a, c = arm.name.lower(), cand.name.lower()
            if arm.control_kind == cand.control_kind or "control" in (arm.control_kind, cand.control_kind) \
                    or a in c or c in a:
                if PREFERRED_CONTROL.get(cand.control_kind or "control", 9) < PREFERRED_CONTROL.get(
                        arm.control_kind or "control", 9):
                    arm.control_kind = cand.control_kind
                return arm
            continue
        held, new = _doses(arm.name, *arm.keys), _doses(cand.name, *cand.keys)
        if held and new and not held & new:
            continue  # "30 µg YIC" and "60 µg YIC": two arms of one drug
        if arm.therapy and arm.therapy == cand.therapy:
            return arm
        if cand.name.lower() in arm.keys or any(k in cand.name.lower().split() for k in arm.keys):
            return arm
        if arm.therapy is None and cand.therapy is None:
            return arm
    return None


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
                if TREATMENT_WORDS.match(key) and not _GROUP_AFTER.match(self.low, stop):
                    continue  # "study" names the arm as "the study group", never "both study groups"
                if any(m.start < stop and pos < m.end for m in taken):
                    continue
                taken.append(ArmMention(arm, pos, stop))
        return sorted(taken, key=lambda m: m.start)


_DOSE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(mg|g|\u00b5g|\u03bcg|mcg|iu|IU|units?|ml|mL|mg/kg|g/kg)(?![\w/])")


_DOSE_AFTER = re.compile(r"\s?(?=\d)" + _DOSE.pattern.replace("(?<![\\w.])", ""))


def _doses(*names: str) -> frozenset[tuple[str, str]]:
    """The doses names state ("G-CSF 300 \u00b5g" -> {("300", "\u00b5g")})."""
    return frozenset((m.group(1), m.group(2).lower().replace("\u03bc", "\u00b5"))
                     for name in names for m in _DOSE.finditer(name))


def _hinted_dose(arms: list[Candidate], hint: ArmsHint) -> None:
    """A hint that states a dose ("60 \u00b5g of YIC") names only the arm given that dose."""
    for role, words in (("treatment", hint.intervention), ("control", hint.comparator)):
        wanted = _doses(words)
        hinted = [a for a in arms if a.role == role and a.hinted]
        if not wanted or len(hinted) < 2:
            continue
        matching = [a for a in hinted if _doses(a.name, *a.keys) & wanted]
        if matching:
            for a in hinted:
                if a not in matching:
                    a.hinted = None


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
