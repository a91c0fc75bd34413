"""Readers for the real corpora the extraction evaluation runs on (``../shared/data``).

Each reader turns a corpus into plain ``Article`` records the extractor can read, the way the
PubMed parser would give them: sections as ``LABEL: text`` joined by blank lines, inline markup
rendered as text. Nothing here is copied into the repository; the corpora are read in place.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from extractors.arms import ArmsHint
from extractors.outcomes import OutcomeMatcher, OutcomeTerms
from extractors.records import Article
from scripts.eval_markdown import render_markdown

#: Words that say how an outcome was counted, not what it is ("the incidence rate of X").
_GENERIC = frozenset("""
the a an of in on at to for with by and or rate rates incidence incidences number numbers proportion
proportions percentage percentages occurrence frequency risk patients patient participants subjects
women total overall any all having who were was with experienced experiencing reported
after during within before from between among per than over under into via using based
including includes such as
""".split())
#: Words too common to find an outcome by on their own ("disease", "effects").
_VAGUE = frozenset("""
disease diseases effect effects event events children adults infants severity outcome outcomes
response failure success complications symptoms treatment therapy water score change visit
""".split())


def outcome_phrases(outcome: str) -> list[str]:
    """Phrases to find a free-text outcome ("The incidence rates of pancreatitis") in an article.

    The whole description, and each run of content words in it; single words only when they are
    specific (four letters or more and not a counting word).
    """
    text = re.sub(r"\([^)]*\)", " ", outcome)
    words = re.findall(r"[\w/+-]+", text.lower())
    phrases = {" ".join(words)} if words else set()
    run: list[str] = []
    for word in words + [""]:
        if word and word not in _GENERIC:
            run.append(word)
            continue
        if run:
            phrases.add(" ".join(run))
            if len(run) > 1 and len(run[-1]) >= 4:
                phrases.add(run[-1])
            run = []
    # A long description ("subjective improvement ... within the past 12 months") is not found
    # by any one of its words.
    content = [w for w in words if w not in _GENERIC]
    if len(content) > 4:
        phrases = {p for p in phrases if " " in p}
    return sorted(p for p in phrases if len(p) >= 4 and p not in _VAGUE)


def matcher_for(outcome: str) -> OutcomeMatcher:
    """An outcome vocabulary of one free-text outcome, reported under the id ``other``; an
    abbreviation the description defines ("postoperative nausea and vomiting (PONV)") is one of
    its words."""
    abbreviations = tuple(re.findall(r"\(\s*([A-Z][A-Za-z0-9-]{1,9})\s*\)", outcome))
    return OutcomeMatcher([OutcomeTerms("other", tuple(outcome_phrases(outcome)), abbreviations)])


# ---------------------------------------------------------------------------------------------
# llm_meta_analysis (Yun et al. 2024)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountGold:
    """One intervention-comparator-outcome triplet with its gold 2x2 table."""

    pmcid: str
    outcome: str
    intervention: str
    comparator: str
    counts: tuple[int, int, int, int]
    in_table: bool
    article: Article
    half: str = ""   # "development" or "heldout" (data/labels/extraction/llm_meta_analysis_split.json)


def read_llm_counts(folder: Path, split: dict[str, str] | None = None) -> list[CountGold]:
    """Binary triplets with complete gold counts, with the article text they were annotated on.

    The text is the article's abstract and results (``markdown/``), tables rendered as pipe tables
    (``scripts.eval_markdown``). ``split`` maps a PMCID to the half it belongs to.
    """
    rows = json.loads((folder / "annotated_rct_dataset.json").read_text(encoding="utf-8"))
    texts: dict[str, Article] = {}
    gold = []
    for r in rows:
        if r["outcome_type"] != "binary" or str(r["is_data_complete"]).upper() != "TRUE":
            continue
        try:
            counts = tuple(int(str(r[k]).replace(",", "")) for k in (
                "intervention_events", "intervention_group_size", "comparator_events", "comparator_group_size"))
        except ValueError:
            continue
        pmcid = f"PMC{r['pmcid']}"
        if pmcid not in texts:
            md = (folder / "markdown" / f"{pmcid}.md").read_text(encoding="utf-8")
            texts[pmcid] = Article(pmid=pmcid, title="", abstract=render_markdown(md))
        gold.append(CountGold(pmcid, r["outcome"], r["intervention"], r["comparator"], counts,  # type: ignore[arg-type]
                              str(r["is_relevant_data_in_table"]).upper() == "TRUE", texts[pmcid],
                              (split or {}).get(pmcid, "")))
    return gold


# ---------------------------------------------------------------------------------------------
# evidence_inference
# ---------------------------------------------------------------------------------------------


def abstract_text(record: dict) -> str:
    """A labelled abstract as the PubMed parser renders it."""
    parts = []
    for section in record["abstract_sections"]:
        label = (section.get("label") or "").strip()
        parts.append(f"{label}: {section['text']}" if label else section["text"])
    return "\n\n".join(parts)


def read_abstracts(folder: Path) -> dict[str, Article]:
    """Evidence Inference's 3,223 labelled abstracts, by PMCID."""
    found = {}
    with (folder / "abstracts_title_abstract.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            found[record["pmcid"]] = Article(pmid=record["pmcid"], title=record.get("title") or "",
                                             abstract=abstract_text(record))
    return found


@dataclass(frozen=True)
class Prompt:
    """An intervention-comparator-outcome question with the annotators' answers."""

    prompt_id: str
    pmcid: str
    outcome: str
    hint: ArmsHint
    labels: tuple[int, ...]          # -1 decreased, 0 no difference, 1 increased
    evidence: tuple[str, ...]        # annotators' evidence strings


def read_prompts(folder: Path, pmcids: set[str]) -> list[Prompt]:
    """Prompts of the given articles with their valid annotations (v1 merged and v2)."""
    prompts: dict[str, dict] = {}
    with (folder / "prompts_merged.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            pmcid = f"PMC{row['PMCID']}"
            if pmcid in pmcids:
                prompts[row["PromptID"]] = {"pmcid": pmcid, "row": row, "labels": [], "evidence": []}
    for name in ("v2_annotations.csv", "annotations_pilot_run.csv"):
        path = folder / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                p = prompts.get(row["PromptID"])
                if p is None or str(row.get("Valid Label", "")).lower() not in ("true", "1"):
                    continue
                try:
                    p["labels"].append(int(row["Label Code"]))
                except (TypeError, ValueError):
                    pass
                if row.get("Annotations"):
                    p["evidence"].append(row["Annotations"])
    out = []
    for pid, p in prompts.items():
        row = p["row"]
        out.append(Prompt(pid, p["pmcid"], row["Outcome"], ArmsHint(row["Intervention"], row["Comparator"]),
                          tuple(p["labels"]), tuple(p["evidence"])))
    return out


def locate(evidence: str, text: str) -> tuple[int, int] | None:
    """Where an annotator's evidence string sits in ``text`` (whitespace-insensitive)."""
    words = evidence.split()
    if len(words) < 3:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


# ---------------------------------------------------------------------------------------------
# ivf_subset
# ---------------------------------------------------------------------------------------------

_TABLE = re.compile(r"(?:(?<=[.)\]:])|^|(?<=\. ))\s?Table\s?(?:[0-9]+|[IVX]+)\s?\.?\s?[A-Z(]", re.M)
_HEAD = re.compile(r"\n(?=(?:TITLE|ABSTRACT|BODY)[.A-Z0-9 ,&/()'-]*[.:]\s*\n)")


def read_ivf_subset(folder: Path) -> dict[str, Article]:
    """The 23 IVF trials: abstract sections and results prose (flattened tables cut off)."""
    found = {}
    for path in sorted((folder / "ivf_subset" / "abst").glob("*.abst")):
        raw = path.read_text(encoding="utf-8")
        parts = []
        for block in _HEAD.split("\n" + raw):
            block = block.strip()
            head, _, body = block.partition("\n")
            if not (head.startswith("ABSTRACT") or (head.startswith("BODY") and "RESULT" in head)):
                continue
            body = " ".join(body.split())
            table = _TABLE.search(body)
            if table:
                body = body[: table.start()].strip()
            if body:
                parts.append(f"{head.strip().rstrip('.:')}: {body}")
        found[path.stem] = Article(pmid=path.stem, title="", abstract="\n\n".join(parts))
    return found


def read_ivf_prompts(folder: Path) -> dict[str, ArmsHint]:
    """The first intervention/comparator prompt of each IVF trial, as an arms hint."""
    hints: dict[str, ArmsHint] = {}
    with (folder / "ivf_subset" / "prompts_ivf.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            hints.setdefault(f"PMC{row['PMCID']}", ArmsHint(row["Intervention"], row["Comparator"]))
    return hints
