"""The digest's figures as PNG bytes: a forest plot and a cumulative plot per changed stratum.

Drawn with matplotlib's object API on the Agg canvas (no pyplot state, no display). Readable in
grey-scale and by readers who do not see colour: everything is black or grey, and what differs
is told by marker and line style (filled vs open markers, solid vs dashed vs dotted lines), with
a legend. Ratios are drawn on a log axis, so 0.5 and 2 sit equally far from the null line.
"""

from __future__ import annotations

import io
import math
import textwrap
from functools import lru_cache

from matplotlib.figure import Figure
from PIL import Image
from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

from digest import wording as w
from digest.records import CumulativePlot, ForestPlot

RATIO_MEASURES = ("RR", "OR", "HR")
MEASURE_AXIS = {"RR": "Risk ratio", "OR": "Odds ratio", "HR": "Hazard ratio", "RD": "Risk difference"}
#: Two-sided 5% critical value, drawn as the conventional-significance line in the z panel.
Z_CONVENTIONAL = 1.959964
#: Pixels per inch and width: 690 px wide, with type large enough (relative to the width) to stay
#: legible when a phone shows the figure 320 px wide.
DPI = 150
WIDTH_IN = 4.6
FONT = 9.5
#: Characters per title line at FONT on WIDTH_IN.
TITLE_CHARS = 58
INK, GREY, LIGHT = "#000000", "#666666", "#bbbbbb"


def _png(fig: Figure) -> bytes:
    """Grey-scale PNG bytes: the figures hold no colour, and 8-bit grey is a third of the size."""
    raw = io.BytesIO()
    # No "Software" stamp: the same figure gives the same bytes across matplotlib patch releases.
    fig.savefig(raw, format="png", dpi=DPI, metadata={"Software": None})
    raw.seek(0)
    out = io.BytesIO()
    with Image.open(raw) as image:
        image.convert("L").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _ratio_ticks(low: float, high: float) -> list[float]:
    candidates = [0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10, 20]
    ticks = [t for t in candidates if low <= t <= high]
    if len(ticks) > 7:
        ticks = [t for t in ticks if t in (0.1, 0.25, 0.5, 1, 2, 4, 10, 20)]
    return ticks


def _set_ratio_axis(axis, which: str, values: list[float]) -> None:
    """Log scale spanning ``values`` and 1, with plain-number ticks."""
    finite = [v for v in values if v is not None and v > 0 and math.isfinite(v)] + [1.0]
    low, high = min(finite) / 1.25, max(finite) * 1.25
    getattr(axis, f"set_{which}scale")("log")
    getattr(axis, f"set_{which}lim")(low, high)
    ticks = _ratio_ticks(low, high)
    target = axis.xaxis if which == "x" else axis.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(_plain_formatter())
    target.set_minor_locator(NullLocator())
    target.set_minor_formatter(NullFormatter())


def _plain_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:g}")


@lru_cache(maxsize=64)
def draw_forest(plot: ForestPlot) -> bytes:
    """Each study's estimate and interval, the pooled diamond, and the null line.

    Cached: plots are immutable records and drawing one takes a few tenths of a second.
    """
    n = len(plot.rows)
    fig = Figure(figsize=(WIDTH_IN, 1.7 + 0.32 * (n + 1)), layout="constrained")
    ax = fig.add_subplot()
    ratio = plot.measure in RATIO_MEASURES
    ys = list(range(n, 0, -1))
    for y, row in zip(ys, plot.rows):
        ax.plot([row.ci_low, row.ci_high], [y, y], color=INK, linewidth=1.2, solid_capstyle="butt")
        ax.plot([row.estimate], [y], marker="s", markersize=7, color=INK,
                markerfacecolor=INK if row.confirmed else "white", markeredgewidth=1.4, linestyle="none")
    labels = [r.label for r in plot.rows]
    values = [v for r in plot.rows for v in (r.ci_low, r.ci_high)]
    right = [w.estimate("", r.estimate, r.ci_low, r.ci_high).strip() for r in plot.rows]
    if plot.pooled is not None:
        est, low, high = plot.pooled
        ax.fill([low, est, high, est], [0, 0.3, 0, -0.3], facecolor=GREY, edgecolor=INK, linewidth=1.0)
        labels.append(plot.pooled_label)
        ys.append(0)
        values += [low, high]
        right.append(w.estimate("", est, low, high).strip())
    null = 1.0 if ratio else 0.0
    ax.axvline(null, color=INK, linewidth=0.9)
    if ratio:
        _set_ratio_axis(ax, "x", values)
    ax.set_yticks(ys, labels)
    ax.set_ylim(-0.8, n + 0.8)
    for y, text in zip(ys, right):
        note = ax.annotate(text, xy=(1.03, y), xycoords=("axes fraction", "data"), va="center", fontsize=FONT - 1,
                           annotation_clip=False)
        note.set_in_layout(False)  # the column sits in the margin the layout rect leaves free
    scale = " (log scale)" if ratio else ""
    ax.set_xlabel(f"{MEASURE_AXIS.get(plot.measure, plot.measure)}{scale}", fontsize=FONT)
    if any(plot.sides):
        ax.annotate(f"← {plot.sides[0]}", xy=(null, 0), xycoords=("data", "axes fraction"), xytext=(-4, -30),
                    textcoords="offset points", ha="right", va="top", fontsize=FONT - 1.5)
        ax.annotate(f"{plot.sides[1]} →", xy=(null, 0), xycoords=("data", "axes fraction"), xytext=(4, -30),
                    textcoords="offset points", ha="left", va="top", fontsize=FONT - 1.5)
    fig.suptitle(textwrap.fill(plot.title, TITLE_CHARS), x=0.02, ha="left", fontsize=FONT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if any(not r.confirmed for r in plot.rows):
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="s", color=INK, linestyle="none", markerfacecolor=INK, label="confirmed"),
                   Line2D([], [], marker="s", color=INK, linestyle="none", markerfacecolor="white",
                          label="not yet confirmed")]
        fig.legend(handles=handles, loc="outside lower left", ncols=2, frameon=False, fontsize=FONT - 1.5)
    if plot.n_missing:
        fig.text(0.01, 0.005, f"{plot.n_missing} pooled trial(s) without a {plot.measure} to draw.", fontsize=7.5)
    ax.tick_params(labelsize=FONT - 1)
    fig.get_layout_engine().set(w_pad=0.04, rect=(0, 0, 0.74, 1))
    return _png(fig)


@lru_cache(maxsize=64)
def draw_cumulative(plot: CumulativePlot) -> bytes:
    """Top: the pooled estimate after each added study. Bottom: its z-score against the boundary."""
    fig = Figure(figsize=(WIDTH_IN, 5.4), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=(1.1, 1))
    pts = [p for p in plot.points if p.estimate is not None]
    xs = list(range(1, len(pts) + 1))
    ratio = plot.measure in RATIO_MEASURES
    for x, p in zip(xs, pts):
        top.plot([x, x], [p.ci_low, p.ci_high], color=INK, linewidth=1.2)
    top.plot(xs, [p.estimate for p in pts], marker="o", color=INK, linewidth=1.0, markersize=5)
    top.axhline(1.0 if ratio else 0.0, color=INK, linewidth=0.9)
    if ratio:
        _set_ratio_axis(top, "y", [v for p in pts for v in (p.ci_low, p.ci_high)])
    top.set_xticks(xs, [f"+{p.label}" for p in pts], rotation=30, ha="right", fontsize=FONT - 1.5)
    top.set_xlim(0.5, len(pts) + 0.5)
    top.set_ylabel(f"Pooled {plot.measure}" + (" (log)" if ratio else ""), fontsize=FONT)
    fig.suptitle(textwrap.fill(plot.title, TITLE_CHARS) + "\ncumulative estimate as trials were added",
                 x=0.02, ha="left", fontsize=FONT)

    mon = [p for p in pts if p.information_fraction is not None and p.z is not None]
    if mon:
        fr = [p.information_fraction for p in mon]
        bottom.plot(fr, [p.z for p in mon], marker="o", color=INK, linewidth=1.6, label="cumulative z")
        bounds = [(p.information_fraction, p.z_boundary) for p in mon if p.z_boundary is not None]
        if bounds:
            bx, by = zip(*bounds)
            bottom.plot(bx, by, linestyle="--", marker="x", color=INK, linewidth=1.2, label="monitoring boundary")
            bottom.plot(bx, [-b for b in by], linestyle="--", marker="x", color=INK, linewidth=1.2)
        for sign in (1, -1):
            bottom.axhline(sign * Z_CONVENTIONAL, linestyle=":", color=GREY, linewidth=1.2,
                           label="p = 0.05 (conventional)" if sign == 1 else None)
        bottom.axhline(0, color=LIGHT, linewidth=0.8)
        top_z = max([abs(p.z) for p in mon] + [b for _, b in bounds] + [Z_CONVENTIONAL])
        bottom.set_ylim(-min(top_z, 8) * 1.1, min(top_z, 8) * 1.1)
        bottom.set_xlim(0, max(1.0, max(fr) * 1.05))
        bottom.legend(loc="lower right", fontsize=FONT - 1.5, frameon=False)
    else:
        bottom.text(0.5, 0.5, "No monitoring computed", ha="center", va="center", transform=bottom.transAxes)
    bottom.set_xlabel("Information fraction (share of required information)", fontsize=FONT - 0.5)
    bottom.set_ylabel("Cumulative z-score", fontsize=FONT)
    for ax in (top, bottom):
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(labelsize=FONT - 1)
    return _png(fig)
