"""Plain-text renderings for ``rifwatch triage``: the queue, one paper, a decision's outcome."""

from __future__ import annotations

import textwrap
from typing import Any, Sequence

from flows.evidence_spans import bracketed, effect_label, paper_marks
from models.triage_queue import GROUP_TITLES, QueueEntry

WIDTH = 100


def fmt_number(value: Any, digits: int = 2) -> str:
    """A number as a reader wants it: integers whole, ratios to two decimals, p-values to 3 s.f."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}" if abs(value) >= 0.01 or value == 0 else f"{value:.2g}"
    return str(value)


def fmt_value(text: str | None) -> str:
    """A stored decision value for reading: long decimals shortened, nothing shown as a dash.

    Examples
    --------
    >>> fmt_value("1.8762499999999998"), fmt_value("24"), fmt_value(None), fmt_value("rejected:off_topic")
    ('1.876', '24', '–', 'rejected:off_topic')
    """
    if text is None or text == "":
        return "–"
    if "." in text:
        try:
            return f"{float(text):.4g}"
        except ValueError:
            return text
    return text


def describe_effect(effect: dict[str, Any]) -> str:
    """``live_birth: 19/45 vs 9/44; RR 2.06 (1.04–4.10), p 0.036``."""
    parts = []
    counts = [effect.get(k) for k in ("treat_events", "treat_total", "ctrl_events", "ctrl_total")]
    if any(v is not None for v in counts):
        parts.append(f"{fmt_number(counts[0])}/{fmt_number(counts[1])} vs {fmt_number(counts[2])}/{fmt_number(counts[3])}")
    if effect.get("estimate") is not None:
        parts.append(f"{effect.get('measure') or ''} {fmt_number(effect['estimate'])} "
                     f"({fmt_number(effect.get('ci_low'))}–{fmt_number(effect.get('ci_high'))})".strip())
    if effect.get("p_value") is not None:
        parts.append(f"p {effect.get('p_operator') or '='} {fmt_number(effect['p_value'], 3)}")
    return f"{effect.get('outcome')}: " + "; ".join(parts)


def render_queue(entries: Sequence[QueueEntry]) -> str:
    if not entries:
        return "The triage queue is empty: every flag and new trial has been dealt with.\n"
    lines, group = [], None
    for entry in entries:
        if entry.group != group:
            group = entry.group
            count = sum(1 for e in entries if e.group == group)
            lines.append(f"\n{GROUP_TITLES[group]} ({count})")
        head = f"PMID {entry.pmid}" if entry.pmid else f"flag #{entry.flag_id}"
        lines.append(f"  {head:<15} {textwrap.shorten(entry.title, WIDTH - 18)}")
        for reason in entry.reasons:
            lines.append(textwrap.fill(reason.text, WIDTH, initial_indent="      - ", subsequent_indent="        "))
    return "\n".join(lines).lstrip("\n") + "\n"


def render_paper(paper: dict[str, Any], effects: Sequence[dict[str, Any]], therapy_evidence: Sequence[dict[str, Any]],
                 flags: Sequence[dict[str, Any]], decisions: Sequence[dict[str, Any]]) -> str:
    marks = paper_marks(paper, effects, therapy_evidence)
    p = paper
    lines = [f"PMID {p['pmid']} (revision {p['revision']}): {p['title']}",
             f"{p.get('journal') or ''} {p.get('year') or ''}; entered {p.get('entry_date')}; "
             f"review state: {p['curation_status']}" + (f" ({p['curation_reason']})" if p.get("curation_reason") else ""),
             "",
             f"classification: RCT {fmt_number(p.get('is_rct'))} (probability {fmt_number(p.get('rct_probability'))}, "
             f"{p.get('operating_point') or 'default'} point, {p.get('model_version') or 'model ?'}); "
             f"design {p.get('design')}",
             f"therapy: {p.get('primary_therapy')} (all: {', '.join(p.get('therapies') or []) or 'none'}); "
             f"population: {p.get('population')}; RIF ≥ {fmt_number(p.get('rif_min_failures'))} failures",
             f"RIF definition [rif]: {p.get('rif_definition_text') or '–'}",
             "", "Abstract (evidence in [label: …]):"]
    for paragraph in bracketed(p.get("abstract") or "", marks).split("\n"):
        lines.append(textwrap.fill(paragraph, WIDTH, initial_indent="  ", subsequent_indent="  ") if paragraph else "")
    lines += ["", f"Effects ({len(effects)}; use eN or the key with --effect):"]
    for i, effect in enumerate(effects):
        state = ", ".join([effect["source"], effect["curation_status"], *effect.get("qualifiers", ()),
                           *(["read by pooling"] if effect.get("pooled") else [])])
        lines.append(f"  {effect_label(i)}  {describe_effect(effect)}  [{state}]")
        lines.append(f"      key: {effect['effect_key']}")
        if effect.get("check_failures"):
            lines.append("      check failed: " + "; ".join(effect["check_failures"]))
    if flags:
        lines += ["", "Flags naming this paper:"]
        for f in flags:
            lines.append(f"  #{f['flag_id']} {f['therapy']} · {f['outcome']} · {f['rif_stratum']} "
                         f"{f['kind']} ({f['run_id']}): {f['status']}")
    if decisions:
        lines += ["", "Decisions (newest first):"]
        for d in decisions:
            lines.append(f"  #{d['decision_id']} {d['decided_at']:%Y-%m-%d %H:%M} {d['curator']} {d['action']} "
                         f"{d['target']}{' ' + d['target_key'] if d.get('target_key') else ''} "
                         f"{d.get('field') or ''}: {fmt_value(d.get('old_value'))} → {fmt_value(d.get('new_value'))} — {d['reason']}")
    return "\n".join(lines) + "\n"


def describe_change(row: dict[str, Any]) -> str:
    """One pooled stratum before and after: ``g_csf · live_birth · rif_any: RR 1.23 (…) → RR 1.10 (…)``."""
    def side(prefix: str) -> str:
        if row.get(f"{prefix}_k") is None:
            return "not pooled"
        sig = ", significant" if row.get(f"{prefix}_significant") else ""
        return (f"{row.get(f'{prefix}_measure')} {fmt_number(row.get(f'{prefix}_estimate'))} "
                f"({fmt_number(row.get(f'{prefix}_ci_low'))}–{fmt_number(row.get(f'{prefix}_ci_high'))}), "
                f"k {row.get(f'{prefix}_k')}{sig}")
    return f"{row['therapy']} · {row['outcome']} · {row['rif_stratum']}: {side('before')} → {side('after')}"


def render_outcome(outcome) -> str:
    lines = [f"recorded decision #{outcome.decision_id}"
             + (f" (+{len(outcome.decision_ids) - 1} following from it)" if len(outcome.decision_ids) > 1 else "")]
    if outcome.run_id:
        lines.append(f"pooled again in run {outcome.run_id}: "
                     + (f"{len(outcome.pooled_changes)} estimate(s) changed" if outcome.pooled_changes
                        else "no pooled estimate changed"))
        lines += [f"  {describe_change(row)}" for row in outcome.pooled_changes]
    new = {flag["flag_id"] for flag in outcome.new_flags}
    for move in outcome.flag_moves:
        lines.append(f"{'new flag' if move['flag_id'] in new else 'flag'} #{move['flag_id']} ({move['therapy']} · "
                     f"{move['outcome']} · {move['rif_stratum']} {move['kind']}): {move['old_status']} → "
                     f"{move['status']}: {move['status_reason']}")
    moved = {move["flag_id"] for move in outcome.flag_moves}
    for flag in outcome.new_flags:
        if flag["flag_id"] not in moved:
            lines.append(f"new flag #{flag['flag_id']}: {flag['therapy']} · {flag['outcome']} · {flag['rif_stratum']} "
                         f"{flag['kind']} ({flag['status']})")
    return "\n".join(lines) + "\n"
