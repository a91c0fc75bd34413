"""How fast the parsers read real records, and how much memory they hold (prints its figures).

Run with ``RIFWATCH_SHARED_DATA=... pytest tests/extractors/test_parse_throughput.py -m slow -s``.
The real records are repeated to about 10,000 in a temporary file; the floor asserted is the
pipeline's need (1,000 records/s end to end), not the figure measured.
"""

from __future__ import annotations

import re
import time
import tracemalloc
from pathlib import Path

import pytest

from extractors.medline import parse_medline
from extractors.pubmed_xml import parse_pubmed_xml

pytestmark = [pytest.mark.slow, pytest.mark.eval]

TARGET_RECORDS = 10_000
#: The whole pipeline must keep up with 1,000 records/s (task brief); parsing is one step of it.
MIN_RECORDS_PER_SECOND = 1_000


def _repeat(blocks: list[str], head: str, tail: str, separator: str, path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        while count < TARGET_RECORDS:
            for block in blocks[: TARGET_RECORDS - count]:
                out.write(block + separator)
                count += 1
        out.write(tail)
    return count


def _measure(parse, path: Path) -> tuple[int, float, float, int]:
    """Records, CPU seconds, wall seconds, and the parser's peak traced allocation."""
    started, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in parse(path))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    tracemalloc.start()
    try:
        for _ in parse(path):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return count, cpu, wall, peak


def _report(label: str, path: Path, figures: tuple[int, float, float, int]) -> None:
    count, cpu, wall, peak = figures
    size = path.stat().st_size / 1e6
    print(f"\n{label}: {count} records, {size:.1f} MB: {count / cpu:,.0f} records/s CPU "
          f"({count / wall:,.0f}/s wall), peak traced memory {peak / 1e6:.1f} MB")
    assert count >= TARGET_RECORDS
    assert count / wall >= MIN_RECORDS_PER_SECOND


def test_pubmed_xml_throughput(real_xml_files, tmp_path):
    blocks = []
    for path in real_xml_files:
        text = path.read_text(encoding="utf-8")
        blocks += re.findall(r"<PubmedArticle>.*?</PubmedArticle>", text, re.DOTALL)
    path = tmp_path / "repeated.xml"
    _repeat(blocks, '<?xml version="1.0"?>\n<PubmedArticleSet>\n', "</PubmedArticleSet>\n",
            "\n", path)
    _report("PubMed XML (real records repeated)", path, _measure(parse_pubmed_xml, path))
    lean = tmp_path / "repeated_no_references.xml"
    lean.write_text(re.sub(r"<ReferenceList>.*?</ReferenceList>\s*", "",
                           path.read_text(encoding="utf-8"), flags=re.DOTALL), encoding="utf-8")
    _report("PubMed XML without ReferenceList", lean, _measure(parse_pubmed_xml, lean))


def test_medline_throughput(real_medline_files, tmp_path):
    text = real_medline_files[-1].read_text(encoding="utf-8")  # RobotReviewer's 501 records
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]
    path = tmp_path / "repeated.nbib"
    _repeat(blocks, "", "", "\n\n", path)
    _report("MEDLINE (real records repeated)", path, _measure(parse_medline, path))
