"""Fold the phrases that may name arms into arms: roles, one arm per comparator kind and per active
identity, doses kept apart, a generic "control group" placed, sizes filled in.

``extractors.arm_phrases`` finds the :class:`Candidate` phrases; ``extractors.arms`` calls
:func:`merge_candidates` and turns what it returns into ``Arm`` records.

Examples
--------
>>> from extractors.arm_phrases import Candidate
>>> cands = [Candidate("G-CSF 100 \u00b5g", 0, role="treatment"), Candidate("G-CSF 300 \u00b5g", 20, role="treatment"),
...          Candidate("placebo", 40)]
>>> [(a.name, a.role) for a in merge_candidates(cands, "G-CSF 100 \u00b5g vs G-CSF 300 \u00b5g vs placebo")]
[('G-CSF 100 \u00b5g', 'treatment'), ('G-CSF 300 \u00b5g', 'treatment'), ('placebo', 'control')]
"""

from __future__ import annotations

import re

from extractors.arm_phrases import Candidate, each_size, size_before
from extractors.arm_words import (
    BESIDE_CONTROL_WORDS,
    PREFERRED_CONTROL,
    TREATMENT_WORDS,
    control_kind,
    generic_active,
    terms_in,
    therapy_regex,
)
from extractors.patterns import lowered


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


def merge_candidates(candidates: list[Candidate], text: str,
                     hint_doses: tuple[frozenset, frozenset] | None = None) -> list[Candidate]:
    """Fold the candidate phrases into arms: one per control kind, one per active identity.

    ``hint_doses`` are the doses an intervention and a comparator hint state, if any."""
    for cand in candidates:
        _role(cand)
        cand.keys.add(cand.name.lower())
    _beside_control(candidates, text)
    unplaced = [c for c in candidates if c.role is None]
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
    generic = [a for a in active if generic_active(a.name)]
    specific = [a for a in active if not generic_active(a.name)]
    if generic and len({a.therapy or a.name.lower() for a in specific}) <= 1 and specific:
        for g in generic:
            specific[0].keys |= g.keys
            specific[0].size = specific[0].size or g.size
            specific[0].order = specific[0].order if specific[0].order is not None else g.order
            arms.remove(g)
    _negated_keys(arms)
    _head_word_names(arms, unplaced, text)
    low = lowered(text)
    for a in arms:
        if a.size is None:
            a.size = size_before(text, low, a)
    each = each_size(text, len(arms)) if len(arms) >= 2 and any(a.size is None for a in arms) else None
    for a in arms:
        if a.size is None and each is not None:
            a.size = each
    if hint_doses is not None:
        _hinted_dose(arms, hint_doses)
    return arms


def _beside_control(candidates: list[Candidate], text: str) -> None:
    """"randomly divided into the observation group and the control group": a Chinese-style name
    (``BESIDE_CONTROL_WORDS``) is the treated arm beside a generic control group, unless the text
    also lists it bare as an allocation ("chemotherapy or observation (control group)": there it
    is the control). "PRP or observation" with no control group opposes the name to a therapy:
    "observation" is then the untreated comparator. Otherwise ("adjuvant therapy versus
    observation" with no configured therapy, "our research group") the name is no arm."""
    generic_control = any(_generic_control(c) for c in candidates)
    therapy = any(c.role == "treatment" and c.therapy for c in candidates)
    # "The research group consisted of 27 patients, 15 in the control group and 12 in the study
    # group": beside another generic active name the word means the whole sample
    other_generic = any(TREATMENT_WORDS.match(c.name) for c in candidates)
    for cand in candidates:
        if cand.role is not None or not BESIDE_CONTROL_WORDS.match(cand.name):
            continue
        if other_generic or not _named_as_group(cand, text):
            continue  # "four experiment groups" are all the groups
        listed_bare = re.search(rf"\b(?:or|versus|vs\.?|to|with)\s+{re.escape(cand.name)}\b(?!\s+(?:groups?|arms?)\b)",
                                text, re.IGNORECASE)
        if generic_control and not listed_bare:
            cand.role = "treatment"
        elif therapy and cand.name.lower() == "observation":
            cand.role, cand.control_kind = "control", "no_treatment"


def _named_as_group(cand: Candidate, text: str) -> bool:
    """Whether ``cand`` is printed as one group's name: "the scratch group", "the scratch and control
    groups", not "four experiment groups"."""
    return bool(_ONE_GROUP.match(text, cand.start + len(cand.name)))


#: "group" or "arm" right after a name, singular, or the name listed with another before "groups"
#: ("the scratch and control groups").
_ONE_GROUP = re.compile(r"\s(?:group|arm)\b(?!s)|,?\s(?:and|or)\s(?:the\s)?[\w-]+\s(?:groups|arms)\b", re.IGNORECASE)


def _head_word_names(arms: list[Candidate], unplaced: list[Candidate], text: str) -> None:
    """"randomized to endometrial scratching ... in the scratch group": a one-word group name that
    no vocabulary knows is the arm whose name ends in that word, or in a form of it ("scratch" and
    "scratching", "injury" of "local endometrial injury"), when exactly one arm's does and that arm
    is active. A comparator's head word ("infusion" of "saline infusion") makes it no one's."""
    heads = [(a, lowered(a.name).split()[-1]) for a in arms if not generic_active(a.name)]
    for cand in unplaced:
        word = lowered(cand.name)
        if not _HEAD_WORD.fullmatch(word) or not _named_as_group(cand, text):
            continue
        owners = [a for a, head in heads if _same_word(word, head)]
        if len(owners) != 1 or owners[0].role != "treatment":
            continue
        owners[0].keys.add(word)
        if owners[0].size is None:
            owners[0].size = cand.size


#: A head word worth matching: letters only, long enough not to be a unit or an article.
_HEAD_WORD = re.compile(r"[a-z]{4,}")


def _same_word(a: str, b: str) -> bool:
    """``a`` and ``b`` are one word up to a suffix ("scratch", "scratching")."""
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short) and bool(_SUFFIXED.fullmatch(long_[len(short):]))


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
        held, new = doses(arm.name, *arm.keys), doses(cand.name, *cand.keys)
        if held and new and not held & new:
            continue  # "30 µg YIC" and "60 µg YIC": two arms of one drug
        if arm.therapy and arm.therapy == cand.therapy:
            return arm
        if cand.name.lower() in arm.keys or any(k in cand.name.lower().split() for k in arm.keys):
            return arm
        if arm.therapy is None and cand.therapy is None:
            return arm
    return None


_DOSE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(mg|g|\u00b5g|\u03bcg|mcg|iu|IU|units?|ml|mL|mg/kg|g/kg)(?![\w/])")


DOSE_AFTER = re.compile(r"\s?(?=\d)" + _DOSE.pattern.replace("(?<![\\w.])", ""))


def doses(*names: str) -> frozenset[tuple[str, str]]:
    """The doses names state ("G-CSF 300 \u00b5g" -> {("300", "\u00b5g")})."""
    return frozenset((m.group(1), m.group(2).lower().replace("\u03bc", "\u00b5"))
                     for name in names for m in _DOSE.finditer(name))


def _hinted_dose(arms: list[Candidate], hint_doses: tuple[frozenset, frozenset]) -> None:
    """A hint that states a dose ("60 \u00b5g of YIC") names only the arm given that dose."""
    for role, wanted in zip(("treatment", "control"), hint_doses):
        hinted = [a for a in arms if a.role == role and a.hinted]
        if not wanted or len(hinted) < 2:
            continue
        matching = [a for a in hinted if doses(a.name, *a.keys) & wanted]
        if matching:
            for a in hinted:
                if a not in matching:
                    a.hinted = None


