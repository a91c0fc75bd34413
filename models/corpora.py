"""Read the real, labelled corpora in ``../shared/data`` that train and evaluate the classifier.

This module is the one narrow I/O exception in ``models/`` besides the artifact: it reads local
files (never the network) and turns each corpus into :class:`LabelledRecord` items, so the
training script, the evaluation script and ``rifwatch model`` share one definition of every split.

The MEDLINE reader here is deliberately tiny (tags, continuation lines, blank-line separators);
``extractors.medline`` is the full parser the pipeline uses.

Splits (documented in ``models/artifacts/MODEL_CARD.md``):

- ``robotreviewer``: the RobotReviewer development half, publication types removed from the
  text the model sees; label = ``Randomized Controlled Trial`` in its PT field. Evaluation only.
- ``pubmed_other``: records of ``pubmed_labelled`` that did not come from RobotReviewer. Training.
- ``evidence_inference``: RCT reports (positives), split by the corpus's own article-id lists.
- ``ctgov``: ClinicalTrials.gov descriptions (negatives: registrations, not reports). Training.
- ``ebm_nlp``: EBM-NLP abstracts (PubMed RCT reports, as the corpus sampled them), rebuilt from
  their tokens. Training positives.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from extractors.records import Article

#: PubMed's publication type for a randomised trial report; the RobotReviewer labels come from it.
RCT_PUBLICATION_TYPE = "Randomized Controlled Trial"

#: Registry ids that mark a record as a trial registration rather than a publication.
REGISTRY_ID = re.compile(r"^(NCT\d{8}|ISRCTN\d+|ChiCTR[-\w]+|IRCT\w+|ACTRN\d+|CTRI/[\d/]+|DRKS\d+)$")

_MEDLINE_TAG = re.compile(r"^([A-Z]{2,4})\s*- (.*)$")
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class LabelledRecord:
    """One record with its RCT label and where it came from."""

    article: Article
    is_rct: bool
    source: str


def file_sha256(path: Path) -> str:
    """The sha256 of a file, so the model card names exactly the data it was trained on."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def title_key(title: str) -> str:
    """A normalised title, to find the same paper in two corpora that use different ids."""
    return " ".join(_WORDS.findall(title.lower()))[:120]


def read_medline(path: Path) -> Iterator[dict[str, list[str]]]:
    """Yield each MEDLINE record as ``{tag: [values]}``, continuation lines joined with a space."""
    record: dict[str, list[str]] = {}
    last = None
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip():
                if record:
                    yield record
                record, last = {}, None
                continue
            match = _MEDLINE_TAG.match(line)
            if match and line[:4].strip() == match.group(1):
                last = match.group(1)
                record.setdefault(last, []).append(match.group(2).strip())
            elif last is not None:
                record[last][-1] = f"{record[last][-1]} {line.strip()}".strip()
    if record:
        yield record


def medline_article(record: dict[str, list[str]], *, keep_publication_types: bool) -> Article:
    """An :class:`Article` from a MEDLINE record; the PT field is dropped unless asked for."""
    pts = tuple(record.get("PT", ())) if keep_publication_types else ()
    return Article(
        pmid=record.get("PMID", [""])[0],
        title=" ".join(record.get("TI", [])),
        abstract=" ".join(record.get("AB", [])),
        journal=record.get("TA", [""])[0],
        publication_types=pts,
        indexing_status=record.get("STAT", [""])[0] if keep_publication_types else "",
        source_format="medline",
    )


def load_robotreviewer(data_dir: Path) -> list[LabelledRecord]:
    """The RobotReviewer half, one record per PMID, PT removed from what the model sees."""
    path = data_dir / "robotreviewer_medline" / "pubmed_dev.medline.txt"
    seen: set[str] = set()
    out = []
    for record in read_medline(path):
        pmid = record.get("PMID", [""])[0]
        if not pmid or pmid in seen:
            continue  # the file repeats some records; count each paper once
        seen.add(pmid)
        is_rct = RCT_PUBLICATION_TYPE in record.get("PT", ())
        out.append(LabelledRecord(medline_article(record, keep_publication_types=False), is_rct, "robotreviewer"))
    return out


def load_pubmed_other(data_dir: Path) -> list[LabelledRecord]:
    """``pubmed_labelled`` records that RobotReviewer did not contribute (PT label kept apart)."""
    path = data_dir / "pubmed_labelled" / "pubmed_records_pt_labels.csv"
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if "robotreviewer" in row["sources"]:
                continue
            article = Article(pmid=row["pmid"], title=row["title"], abstract=row["abstract"], source_format="csv")
            out.append(LabelledRecord(article, row["is_rct_pt"] == "1", "pubmed_other"))
    return out


def _split_ids(data_dir: Path, split: str) -> set[str]:
    path = data_dir / "evidence_inference" / "splits" / f"{split}_article_ids.txt"
    return {f"PMC{line.strip()}" for line in path.read_text().split() if line.strip()}


def load_evidence_inference(data_dir: Path, split: str) -> list[LabelledRecord]:
    """Evidence Inference RCT reports of one split (``train``, ``validation`` or ``test``).

    The corpus's own split lists decide membership, so the test split is never trained on.
    Records in no list are returned with ``split="unlisted"``.
    """
    path = data_dir / "evidence_inference" / "abstracts_title_abstract.jsonl"
    listed = {name: _split_ids(data_dir, name) for name in ("train", "validation", "test")}
    every = set().union(*listed.values())
    wanted = listed.get(split)
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            pmcid = item["pmcid"]
            member = pmcid not in every if split == "unlisted" else pmcid in (wanted or set())
            if not member:
                continue
            out.append(LabelledRecord(evidence_inference_article(item), True, f"evidence_inference_{split}"))
    return out


def evidence_inference_article(item: dict) -> Article:
    """An :class:`Article` from one Evidence Inference JSON line (sections as ``LABEL: text``)."""
    parts = []
    for section in item.get("abstract_sections", []):
        label = (section.get("label") or "").strip()
        text = (section.get("text") or "").strip()
        parts.append(f"{label}: {text}" if label else text)
    return Article(pmid=item["pmcid"], title=item.get("title", "").strip(), abstract="\n\n".join(parts),
                   source_format="evidence_inference")


def read_story(path: Path) -> Article:
    """A ClinicalTrials.gov description (``.story``) as an :class:`Article` keyed by its NCT id."""
    text = path.read_text(encoding="utf-8")
    body, _, _highlights = text.partition("@highlight")
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    title = re.sub(r"^\(\w+\)", "", lines[0]).strip() if lines else ""
    # The highlight block repeats the title before "@highlight"; drop that repeat.
    if lines and lines[-1] == title:
        lines = lines[:-1]
    abstract = "\n\n".join(line for line in lines[1:] if line != ".")
    return Article(pmid=path.stem, title=title, abstract=abstract, source_format="ctgov")


def load_ctgov(data_dir: Path, ids: Iterable[str] | None = None) -> list[LabelledRecord]:
    """Registry descriptions: trial registrations, so never reports of results (label False)."""
    folder = data_dir / "ctgov_ivf_registry_texts" / "stories"
    wanted = set(ids) if ids is not None else None
    out = []
    for path in sorted(folder.glob("*.story")):
        if wanted is not None and path.stem not in wanted:
            continue
        out.append(LabelledRecord(read_story(path), False, "ctgov"))
    return out


def read_ivf_abstract(path: Path) -> Article:
    """One ``ivf_subset/abst/*.abst`` file: ``TITLE:``, then ``ABSTRACT.<LABEL>`` blocks.

    Some files go on with the full text (``BODY.<SECTION>``); only title and abstract are kept,
    as PubMed would give them.
    """
    text = " ".join(path.read_text(encoding="utf-8").split())
    text = re.split(r"\bBODY\.[A-Z]", text, maxsplit=1)[0]
    head, _, rest = text.partition("ABSTRACT")
    title = re.sub(r"^TITLE[:.]\s*", "", head).strip()
    parts = []
    for label, body in _IVF_SECTION.findall("ABSTRACT" + rest if rest else ""):
        body = body.strip()
        if body:
            parts.append(f"{label.strip()}: {body}" if label.strip() else body)
    return Article(pmid=path.stem, title=title, abstract="\n\n".join(parts), source_format="evidence_inference")


#: ``ABSTRACT.LABEL`` then ``:``, ``::``, ``:.`` or ``.`` (all occur), followed by the section text, up to the next label.
_IVF_SECTION = re.compile(r"ABSTRACT(?:\.([A-Za-z][A-Za-z0-9 ,/'&()-]*?))?[:.]+\s(.*?)(?=ABSTRACT(?:\.[A-Za-z]|:)|$)")


def load_ivf_subset(data_dir: Path) -> list[Article]:
    """The 23 assisted-reproduction trial reports of Evidence Inference, title and abstract."""
    folder = data_dir / "evidence_inference" / "ivf_subset" / "abst"
    return [read_ivf_abstract(path) for path in sorted(folder.glob("*.abst"))]


#: No space before these tokens, none after the opening ones, when a token list is joined again.
_NO_SPACE_BEFORE = re.compile(r" ([,.;:%)\]])")
_NO_SPACE_AFTER = re.compile(r"([(\[]) ")


def detokenize(tokens: Iterable[str]) -> str:
    """Tokens joined with single spaces, punctuation put back against its word."""
    text = " ".join(tokens)
    return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", text))


def _ebm_article(pmid: str, sentences: list[list[str]]) -> Article:
    # EBM-NLP stores title and abstract as one token stream; its first sentence is the title.
    title = detokenize(sentences[0]) if sentences else ""
    abstract = "\n".join(detokenize(s) for s in sentences[1:])
    return Article(pmid=pmid, title=title, abstract=abstract, source_format="ebm_nlp")


def _conll_documents(path: Path) -> Iterator[tuple[str, list[list[str]]]]:
    pmid, sentences, current = None, [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("-DOCSTART-"):
                if pmid:
                    yield pmid, sentences + ([current] if current else [])
                pmid, sentences, current = re.search(r"\((\d+)\)", line).group(1), [], []
            elif line.strip():
                current.append(line.split()[0])
            elif current:
                sentences.append(current)
                current = []
    if pmid:
        yield pmid, sentences + ([current] if current else [])


def _token_sentences(tokens: list[str]) -> list[list[str]]:
    sentences, current = [], []
    for token in tokens:
        current.append(token)
        if token in (".", "?", "!"):
            sentences.append(current)
            current = []
    return sentences + ([current] if current else [])


def load_ebm_nlp(data_dir: Path) -> list[LabelledRecord]:
    """EBM-NLP abstracts (both releases, one record per PMID): RCT reports, label True."""
    seen: dict[str, Article] = {}
    for name in ("dev.txt", "test.txt"):
        for pmid, sentences in _conll_documents(data_dir / "ebm_nlp_conll_scibert" / name):
            seen.setdefault(pmid, _ebm_article(pmid, sentences))
    archive = data_dir / "ebm_nlp_difficulty" / "ebm_nlp_difficulty.tar.gz"
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            name = Path(member.name).name
            if not (member.isfile() and name.endswith(".tokens") and not name.startswith("._")):
                continue
            pmid = name.split(".")[0]
            if pmid in seen:
                continue
            tokens = tar.extractfile(member).read().decode("utf-8").split()
            seen[pmid] = _ebm_article(pmid, _token_sentences(tokens))
    return [LabelledRecord(article, True, "ebm_nlp") for _, article in sorted(seen.items())]
