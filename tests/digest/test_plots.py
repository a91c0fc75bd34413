"""Figures: valid grey-scale PNGs, the same bytes for the same data, unconfirmed rows drawn apart."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image

from digest.plots import DPI, WIDTH_IN, draw_cumulative, draw_forest
from digest.records import CumulativePlot, CumulativePoint, ForestPlot, ForestRow

FOREST = ForestPlot(
    title="G-CSF · live birth · RIF ≥3 failures", measure="RR",
    rows=(ForestRow("Brandt K 2023", 1.17, 0.60, 2.27, True), ForestRow("Moreau A 2026", 1.10, 0.63, 1.90, False)),
    pooled_label="Pooled (2 trials)", pooled=(1.12, 0.74, 1.72), sides=("fewer live births", "more live births"))
CUMULATIVE = CumulativePlot(title="G-CSF · live birth · RIF ≥3 failures", measure="RR", points=(
    CumulativePoint("Brandt K 2023", 1, 1.17, 0.60, 2.27, 0.46, 0.06, 7.9),
    CumulativePoint("Moreau A 2026", 2, 1.12, 0.74, 1.72, 0.53, 0.16, 4.9)))


def image(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(png))


@pytest.mark.parametrize("draw, plot", [(draw_forest, FOREST), (draw_cumulative, CUMULATIVE)],
                         ids=["forest", "cumulative"])
def test_figures_are_grey_scale_pngs_of_the_set_width(draw, plot):
    picture = image(draw(plot))
    assert picture.mode == "L"
    assert picture.width == round(WIDTH_IN * DPI)


@pytest.mark.parametrize("draw, plot", [(draw_forest, FOREST), (draw_cumulative, CUMULATIVE)],
                         ids=["forest", "cumulative"])
def test_the_same_figure_gives_the_same_bytes(draw, plot):
    assert draw.__wrapped__(plot) == draw.__wrapped__(plot)  # uncached: really drawn twice


def test_confirmation_changes_the_marker_not_only_a_colour():
    all_confirmed = dataclasses.replace(FOREST, rows=tuple(dataclasses.replace(r, confirmed=True) for r in FOREST.rows))
    a, b = image(draw_forest(FOREST)), image(draw_forest(all_confirmed))
    assert a.size != b.size or a.tobytes() != b.tobytes()
    # an open marker leaves white inside the square, so the ink differs, not just a hue
    assert sum(b.tobytes()) != sum(a.tobytes())


def test_forest_grows_with_its_rows_and_copes_with_a_single_study():
    one = dataclasses.replace(FOREST, rows=FOREST.rows[:1], pooled=(1.17, 0.60, 2.27), pooled_label="single study")
    many = dataclasses.replace(FOREST, rows=FOREST.rows * 6)
    assert image(draw_forest(many)).height > image(draw_forest(one)).height


def test_cumulative_without_monitoring_still_draws():
    bare = dataclasses.replace(CUMULATIVE, points=tuple(
        dataclasses.replace(p, z=None, information_fraction=None, z_boundary=None) for p in CUMULATIVE.points))
    assert image(draw_cumulative(bare)).mode == "L"


def test_risk_differences_are_drawn_on_a_linear_axis():
    rd = dataclasses.replace(FOREST, measure="RD", rows=(ForestRow("A 2020", -0.05, -0.12, 0.02, True),),
                             pooled=(-0.05, -0.12, 0.02))
    assert image(draw_forest(rd)).mode == "L"
