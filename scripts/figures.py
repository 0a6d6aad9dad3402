#!/usr/bin/env python3
"""Draw every figure of the deck into ``media/`` as SVG, reproducibly.

Run it from the repository root with the project's venv::

    .venv/bin/pip install matplotlib         # a development extra, never a runtime dependency
    .venv/bin/python scripts/figures.py      # (re)writes every figure in media/
    .venv/bin/python scripts/figures.py kv-cache-memory focal-loss   # only these
    .venv/bin/python scripts/figures.py --list                       # names and their cards

``media/`` holds this script's committed output: edit a figure here, rerun the script, and
commit the script together with the SVGs it rewrote. Cards link a figure as
``![what it shows](../../../media/<name>.svg)``.

The output is deterministic: the same script and the same matplotlib version write
byte-identical files (fixed ``svg.hashsalt``, no date or creator in the metadata, fixed random
seeds), so an unchanged figure never gets a new content-hashed name in Anki. The committed files
were made with matplotlib 3.11.2 and numpy 2.4.6; another version may shift a few coordinates.
Text stays text (``svg.fonttype = 'none'``, DejaVu Sans with a sans-serif fallback), which keeps
the files small.

Figures are drawn for a phone: 6.4 in wide (shown about 360 px wide), labels of 13 pt or more,
data lines of 2 pt or more, dark text on a white background (night mode puts a white panel behind
images), the Okabe-Ito colour-blind-safe palette and, where lines could be confused, different
dash styles too. Each figure is one function below; its docstring names the card it is for.
"""

# The labels use typographic characters on purpose (minus sign, multiplication sign, Greek).
# ruff: noqa: RUF001, RUF002, RUF003

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import (
    Circle,
    FancyArrowPatch,
    FancyBboxPatch,
    PathPatch,
    Polygon,
)
from matplotlib.path import Path as MPath

MEDIA = Path(__file__).resolve().parent.parent / "media"

# Okabe-Ito palette.
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, YELLOW, BLACK = "#CC79A7", "#56B4E9", "#F0E442", "#000000"
DARK = "#1f2328"  # text and outlines: the card's own text colour
GREY = "#6e7781"  # secondary text, inactive elements
LIGHTGREY = "#eaeef2"

WIDTH = 6.4  # inches; every figure is this wide
FS = 13  # labels, ticks, legends (pt)
FS_TITLE = 15  # titles (pt)
FS_SUB = 14  # panel titles (pt)
LW = 2.2  # curves and arrows (pt)


def tint(color: str, amount: float) -> str:
    """``color`` mixed with white: ``amount`` 0 is white, 1 is the colour itself."""
    r, g, b = to_rgb(color)
    return to_hex((1 - amount + amount * r, 1 - amount + amount * g, 1 - amount + amount * b))


def setup() -> None:
    """Global matplotlib settings: reproducible SVG, text as text, phone-legible defaults."""
    plt.rcdefaults()
    plt.rcParams.update({
        "svg.hashsalt": "mlcards",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"],
        "font.size": FS,
        "axes.titlesize": FS_TITLE,
        "axes.titleweight": "bold",
        "axes.labelsize": FS,
        "xtick.labelsize": FS,
        "ytick.labelsize": FS,
        "legend.fontsize": FS,
        "legend.frameon": False,
        "legend.handlelength": 2.6,
        "lines.linewidth": LW,
        "axes.linewidth": 1.2,
        "axes.edgecolor": DARK,
        "axes.labelcolor": DARK,
        "text.color": DARK,
        "xtick.color": DARK,
        "ytick.color": DARK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "grid.color": "#d0d7de",
        "grid.linewidth": 0.8,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "path.simplify": True,
    })


def save(fig: Figure, name: str, out: Path = MEDIA) -> Path:
    """Write ``<out>/<name>.svg`` without date, creator or random ids, then close the figure."""
    path = out / f"{name}.svg"
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------------------------
# Diagram helpers: a canvas whose data units are inches, boxes, arrows, operator circles.


def canvas(height: float) -> tuple[Figure, Axes]:
    """A blank ``WIDTH`` × ``height`` figure whose data coordinates are inches from bottom left."""
    fig = plt.figure(figsize=(WIDTH, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def box(ax: Axes, x: float, y: float, w: float, h: float, text: str = "", *,
        fc: str = "white", ec: str = DARK, tc: str = DARK, fs: float = FS, lw: float = 1.8,
        ls: str = "-", weight: str = "normal", rounding: float = 0.08) -> None:
    """A rounded box centred on (x, y) with centred text."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, linewidth=lw, linestyle=ls,
                                boxstyle=f"round,pad=0,rounding_size={rounding}",
                                facecolor=fc, edgecolor=ec))
    if text:
        # a single line is centred on its baseline so "query" and "documents" line up
        ax.text(x, y, text, ha="center", va="center" if "\n" in text else "center_baseline",
                fontsize=fs, color=tc, fontweight=weight, linespacing=1.15)


def arrow(ax: Axes, points: Sequence[tuple[float, float]], *, color: str = DARK,
          lw: float = LW, ls: str = "-", head: float = 16) -> None:
    """An arrow along a polyline; a dashed arrow keeps a solid head."""
    pts = [tuple(p) for p in points]
    if ls != "-":
        # Dashed shaft up to the last 0.14 in, then a short solid arrow for the head.
        (x0, y0), (x1, y1) = pts[-2], pts[-1]
        d = float(np.hypot(x1 - x0, y1 - y0))
        cut = (x1 - (x1 - x0) * 0.14 / d, y1 - (y1 - y0) * 0.14 / d)
        xs, ys = zip(*[*pts[:-1], cut], strict=True)
        ax.plot(xs, ys, color=color, lw=lw, ls=ls, solid_capstyle="butt")
        pts = [cut, pts[-1]]
    path = MPath(pts, [MPath.MOVETO] + [MPath.LINETO] * (len(pts) - 1))
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=head,
                                 linewidth=lw, color=color, shrinkA=0, shrinkB=0,
                                 joinstyle="miter", capstyle="butt"))


def line(ax: Axes, points: Sequence[tuple[float, float]], *, color: str = DARK,
         lw: float = LW, ls: str = "-") -> None:
    """A plain polyline (no head)."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs, ys, color=color, lw=lw, ls=ls, solid_capstyle="butt", solid_joinstyle="miter")


def op(ax: Axes, x: float, y: float, symbol: str, *, r: float = 0.19, fc: str = "white",
       ec: str = DARK, fs: float = 17) -> None:
    """An operator circle (⊕ for addition, × for a product) centred on (x, y)."""
    ax.add_patch(Circle((x, y), r, facecolor=fc, edgecolor=ec, linewidth=1.8, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center_baseline", fontsize=fs, color=ec, zorder=4,
            fontweight="bold")


def cells(ax: Axes, polygons: Sequence[Sequence[tuple[float, float]]], *, fc: str,
          ec: str = "none", lw: float = 0.0) -> None:
    """Many polygons with one style as a single compound path: one SVG element, small files."""
    verts: list[tuple[float, float]] = []
    codes: list[np.uint8] = []
    for poly in polygons:
        verts += [*poly, poly[0]]
        codes += [MPath.MOVETO] + [MPath.LINETO] * (len(poly) - 1) + [MPath.CLOSEPOLY]
    if verts:
        ax.add_patch(PathPatch(MPath(verts, codes), facecolor=fc, edgecolor=ec, linewidth=lw,
                               joinstyle="miter"))


def dot(ax: Axes, x: float, y: float, color: str = DARK) -> None:
    """A junction where a line branches."""
    ax.add_patch(Circle((x, y), 0.05, color=color, zorder=3))


def title(ax: Axes, x: float, y: float, text: str, *, ha: str = "left", fs: float = FS_TITLE,
          color: str = DARK) -> None:
    """Bold heading text in a diagram."""
    ax.text(x, y, text, ha=ha, va="center", fontsize=fs, fontweight="bold", color=color)


def note(ax: Axes, x: float, y: float, text: str, *, ha: str = "center", color: str = GREY,
         fs: float = FS, style: str = "normal", rotation: float = 0) -> None:
    """Secondary text in a diagram."""
    ax.text(x, y, text, ha=ha, va="center", fontsize=fs, color=color, fontstyle=style,
            rotation=rotation, linespacing=1.15)


# ---------------------------------------------------------------------------------------------
# 01 Sequence modeling


def attention_masks() -> Figure:
    """Card `attention-mechanisms` (Types, after the cost table): which query-key pairs attend."""
    n = 8
    i, j = np.indices((n, n))
    patterns = [
        ("Full (bidirectional)", "n² pairs", np.ones((n, n), dtype=int)),
        ("Causal", "n(n+1)/2 pairs", (j <= i).astype(int)),
        ("Sliding window, w = 3", "≈ n·w pairs", ((i - j >= 0) & (i - j < 3)).astype(int)),
        ("Local + global token", "≈ n·(w + 2) pairs",
         np.where((i == 0) | (j == 0), 2, (abs(i - j) <= 1).astype(int))),
    ]
    colours = [LIGHTGREY, BLUE, ORANGE]
    fig = plt.figure(figsize=(WIDTH, 7.4))
    fig.text(0.03, 0.975, "Attention masks (8 tokens)", va="top", fontsize=FS_TITLE,
             fontweight="bold")
    fig.text(0.03, 0.935, "blue: query (row) may attend to key (column)\n"
             "orange: global token, sees and is seen by all", va="top", fontsize=FS,
             color=GREY, linespacing=1.3)
    size = 2.3  # inches per matrix
    for k, (name, cost, mask) in enumerate(patterns):
        left = [0.55, 3.65][k % 2] / WIDTH
        bottom = [3.55, 0.45][k // 2] / 7.4
        ax = fig.add_axes((left, bottom, size / WIDTH, size / 7.4))
        g = 0.07  # white gap between cells, in cells
        for value, colour in enumerate(colours):
            cells(ax, [[(c + g, r + g), (c + 1 - g, r + g), (c + 1 - g, r + 1 - g),
                        (c + g, r + 1 - g)] for r, c in zip(*np.nonzero(mask == value),
                                                            strict=True)], fc=colour)
        ax.set_xlim(0, n)
        ax.set_ylim(n, 0)
        ax.set_axis_off()
        ax.text(0, -0.75, name, fontsize=FS_SUB, fontweight="bold", va="bottom")
        ax.text(0, -0.2, cost, fontsize=FS, color=GREY, va="bottom")
        if k >= 2:
            ax.text(n / 2, n + 0.25, "key →", ha="center", va="top", fontsize=FS)
        if k % 2 == 0:
            ax.text(-0.25, n / 2, "← query", ha="right", va="center", fontsize=FS, rotation=90)
    return fig


def kv_cache_memory() -> Figure:
    """Card `kv-cache` (end of Core idea, after the Llama examples): cache size vs context."""
    layers, head_dim, bytes_per = 80, 128, 2  # 70B-class model (Llama-3-70B shape), bf16
    tokens = np.logspace(10, 17, 50, base=2)  # 1K .. 128K
    variants = [
        ("MHA, 64 KV heads", 64, VERMILLION, "-"),
        ("GQA, 8 KV heads", 8, BLUE, "--"),
        ("MQA, 1 KV head", 1, GREEN, "-."),
    ]
    gib = 2**30
    fig, ax = plt.subplots(figsize=(WIDTH, 5.2))
    fig.subplots_adjust(left=0.12, right=0.84, top=0.8, bottom=0.13)
    for label, kv_heads, color, ls in variants:
        per_token = 2 * layers * kv_heads * head_dim * bytes_per
        kib = per_token / 1024
        per = f"{kib / 1024:g} MiB" if kib >= 1024 else f"{kib:g} KiB"
        ax.plot(tokens, per_token * tokens / gib, color=color, ls=ls, lw=2.8,
                label=f"{label}: {per}/token")
        end = per_token * tokens[-1] / gib
        ax.text(tokens[-1] * 1.06, end, f"{end:g} GiB", color=color, ha="left",
                va="center", fontsize=FS, fontweight="bold")
    h100 = 80  # an H100 "80GB" holds about 79.6 GiB (81,559 MiB): the line is at 80 GiB
    ax.axhline(h100, color=DARK, lw=1.8, ls=":")
    ax.text(1100, h100 * 1.2, "all memory of one H100 (80 GB)", fontsize=FS, va="bottom")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ticks = [2**k for k in range(10, 18)]
    ax.set_xticks(ticks, [f"{t // 1024}K" for t in ticks])
    ax.minorticks_off()
    ax.set_yticks([0.1, 1, 10, 100], ["0.1", "1", "10", "100"])
    ax.set_xlim(2**10, 2**17)
    ax.set_ylim(0.005, 900)
    ax.grid(True, which="major")
    ax.set_xlabel("context length (tokens, one sequence)")
    ax.set_ylabel("KV cache (GiB, log scale)")
    ax.legend(loc="lower right", bbox_to_anchor=(1.17, 0), handlelength=2.4, labelspacing=0.25,
              borderaxespad=0.2)
    fig.text(0.02, 0.975, "KV cache of a 70B-class model", fontsize=FS_TITLE,
             fontweight="bold", va="top")
    fig.text(0.02, 0.92, "80 layers, head dim 128, bf16, batch 1\n"
             "bytes = 2 · layers · KV heads · 128 · tokens · 2", fontsize=FS, color=GREY,
             va="top", linespacing=1.3)
    return fig


def transformer_block() -> Figure:
    """Card `how-transformers-work` (Walkthrough, after the steps): one pre-norm decoder block."""
    fig, ax = canvas(8.3)
    cx, bw, rx = 2.7, 3.9, 5.55  # main column centre, box width, residual path x
    title(ax, 0.2, 8.02, "Pre-norm decoder block (× L layers)")
    box(ax, cx, 7.4, bw, 0.52, "input x: n tokens × d", fc=LIGHTGREY)
    # sublayer 1: attention
    dot(ax, cx, 6.86)
    arrow(ax, [(cx, 7.14), (cx, 6.6)])
    box(ax, cx, 6.33, bw, 0.52, "RMSNorm", fc=tint(ORANGE, 0.25))
    arrow(ax, [(cx, 6.07), (cx, 5.8)])
    box(ax, cx, 5.28, bw, 1.02, "", fc=tint(BLUE, 0.22))
    ax.text(cx, 5.45, "masked multi-head self-attention", ha="center", va="center",
            fontsize=FS)
    note(ax, cx, 5.07, "mixes across positions", color="#3d4650")
    arrow(ax, [(cx, 4.77), (cx, 4.46)])
    op(ax, cx, 4.27, "+")
    arrow(ax, [(cx, 6.86), (rx, 6.86), (rx, 4.27), (cx + 0.19, 4.27)], color=GREY)
    note(ax, rx + 0.22, 5.57, "residual", rotation=-90)
    # sublayer 2: MLP
    dot(ax, cx, 3.78)
    arrow(ax, [(cx, 4.08), (cx, 3.52)])
    box(ax, cx, 3.25, bw, 0.52, "RMSNorm", fc=tint(ORANGE, 0.25))
    arrow(ax, [(cx, 2.99), (cx, 2.72)])
    box(ax, cx, 2.2, bw, 1.02, "", fc=tint(GREEN, 0.22))
    ax.text(cx, 2.37, "MLP (SwiGLU)", ha="center", va="center", fontsize=FS)
    note(ax, cx, 1.99, "each position separately", color="#3d4650")
    arrow(ax, [(cx, 1.69), (cx, 1.38)])
    op(ax, cx, 1.19, "+")
    arrow(ax, [(cx, 3.78), (rx, 3.78), (rx, 1.19), (cx + 0.19, 1.19)], color=GREY)
    note(ax, rx + 0.22, 2.49, "residual", rotation=-90)
    arrow(ax, [(cx, 1.0), (cx, 0.7)])
    box(ax, cx, 0.44, bw, 0.52, "output: to the next block", fc=LIGHTGREY)
    return fig


def rnn_unrolled_lstm() -> Figure:
    """Card `rnns-today` (end of How it works): an RNN unrolled in time and an LSTM cell."""
    fig, ax = canvas(8.0)
    # --- top: unrolled RNN
    title(ax, 0.2, 7.72, "RNN unrolled over 4 steps (shared weights)")
    xs = [1.25, 2.7, 4.15, 5.6]
    y = 6.0
    for k, x in enumerate(xs, start=1):
        box(ax, x, y, 0.9, 0.62, "RNN", fc=tint(BLUE, 0.22))
        arrow(ax, [(x, 4.95), (x, y - 0.31)])
        note(ax, x, 4.75, f"x{'₁₂₃₄'[k - 1]}", color=DARK, fs=FS + 1)
        arrow(ax, [(x, y + 0.31), (x, 6.95)])
        note(ax, x, 7.15, f"y{'₁₂₃₄'[k - 1]}", color=DARK, fs=FS + 1)
    note(ax, 0.25, y + 0.2, "h₀", color=DARK, fs=FS + 1)
    arrow(ax, [(0.2, y), (xs[0] - 0.45, y)])
    for k in range(3):
        arrow(ax, [(xs[k] + 0.45, y), (xs[k + 1] - 0.45, y)])
        note(ax, (xs[k] + xs[k + 1]) / 2, y + 0.2, f"h{'₁₂₃'[k]}", color=DARK, fs=FS + 1)
    note(ax, 3.4, 4.35, "hₜ = tanh(Wₕ hₜ₋₁ + Wₓ xₜ + b)", color=DARK)
    line(ax, [(0.2, 4.0), (6.2, 4.0)], color="#d0d7de", lw=1.2)
    # --- bottom: LSTM cell
    title(ax, 0.2, 3.72, "LSTM cell")
    ax.add_patch(FancyBboxPatch((1.05, 0.4), 4.95, 2.95, boxstyle="round,pad=0,rounding_size=0.15",
                                facecolor="#f6f8fa", edgecolor="#d0d7de", linewidth=1.5))
    cy = 2.95  # cell-state line
    gy = 1.45  # gate row
    by = 0.72  # input bus
    fx, ix, gx, ox, tx = 1.7, 2.65, 3.6, 4.55, 5.5
    mx = (ix + gx) / 2  # where input gate and candidate meet
    line(ax, [(0.35, cy), (fx - 0.19, cy)], color=ORANGE, lw=3)
    line(ax, [(fx + 0.19, cy), (mx - 0.19, cy)], color=ORANGE, lw=3)
    arrow(ax, [(mx + 0.19, cy), (6.25, cy)], color=ORANGE, lw=3)
    note(ax, 0.35, cy + 0.25, "cₜ₋₁", color=DARK, ha="left", fs=FS + 1)
    note(ax, 6.05, cy + 0.25, "cₜ", color=DARK, fs=FS + 1)
    note(ax, 4.35, cy + 0.25, "cell state: additive path", color=DARK)
    op(ax, fx, cy, "×")
    op(ax, mx, cy, "+")
    gates = [(fx, "forget\nσ"), (ix, "input\nσ"), (gx, "tanh"), (ox, "output\nσ")]
    for x, label in gates:
        box(ax, x, gy, 0.84, 0.62, label, fc=tint(PURPLE if label != "tanh" else SKY, 0.3),
            fs=FS)
        arrow(ax, [(x, by), (x, gy - 0.31)])
    line(ax, [(0.35, by), (ox, by)])
    note(ax, 0.35, by - 0.28, "[hₜ₋₁, xₜ]", color=DARK, ha="left", fs=FS)
    arrow(ax, [(fx, gy + 0.31), (fx, cy - 0.19)])
    op(ax, mx, 2.22, "×")
    arrow(ax, [(ix, gy + 0.31), (ix, 2.22), (mx - 0.19, 2.22)])
    arrow(ax, [(gx, gy + 0.31), (gx, 2.22), (mx + 0.19, 2.22)])
    arrow(ax, [(mx, 2.41), (mx, cy - 0.19)])
    # output: h_t = o * tanh(c_t)
    dot(ax, tx, cy)
    box(ax, tx, 2.22, 0.66, 0.4, "tanh", fc=tint(SKY, 0.3), fs=FS)
    arrow(ax, [(tx, cy), (tx, 2.42)])
    op(ax, tx, gy, "×")
    arrow(ax, [(tx, 2.02), (tx, gy + 0.19)])
    arrow(ax, [(ox + 0.42, gy), (tx - 0.19, gy)])
    arrow(ax, [(tx + 0.19, gy), (6.25, gy)])
    note(ax, 6.05, gy + 0.25, "hₜ", color=DARK, fs=FS + 1)
    return fig


# ---------------------------------------------------------------------------------------------
# 02 Advanced architectures


def bi_encoder_vs_cross_encoder() -> Figure:
    """Card `cross-encoder-vs-bi-encoder` (end of Core idea): two towers vs one joint encoder."""
    fig, ax = canvas(8.0)
    qx, dx = 1.55, 4.75
    title(ax, 0.2, 7.72, "Bi-encoder: encode separately, search an index")
    # offline region around the document tower
    ax.add_patch(FancyBboxPatch((3.35, 4.08), 2.8, 3.25, boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor="none", edgecolor=GREY, linewidth=1.5, linestyle="--"))
    note(ax, dx, 7.12, "offline, once per document", fs=FS)
    box(ax, qx, 6.55, 2.0, 0.5, "query", fc=LIGHTGREY)
    box(ax, dx, 6.55, 2.0, 0.5, "documents", fc=LIGHTGREY)
    arrow(ax, [(qx, 6.3), (qx, 5.95)])
    arrow(ax, [(dx, 6.3), (dx, 5.95)])
    box(ax, qx, 5.65, 2.3, 0.6, "query encoder", fc=tint(BLUE, 0.22))
    box(ax, dx, 5.65, 2.3, 0.6, "document encoder", fc=tint(GREEN, 0.25))
    arrow(ax, [(qx, 5.35), (qx, 4.97)])
    arrow(ax, [(dx, 5.35), (dx, 5.07)])
    for k in range(6):  # the query vector
        ax.add_patch(FancyBboxPatch((qx - 0.72 + 0.24 * k, 4.62), 0.2, 0.3,
                                    boxstyle="square,pad=0", facecolor=tint(BLUE, 0.6),
                                    edgecolor=DARK, linewidth=1))
    note(ax, qx, 4.38, "vector q", color=DARK, fs=FS)
    box(ax, dx, 4.67, 2.5, 0.74, "ANN index\nof doc vectors d", fc=tint(GREEN, 0.5))
    op(ax, 3.15, 3.55, "·", r=0.22, fs=22)
    arrow(ax, [(qx, 4.2), (qx, 3.55), (3.15 - 0.22, 3.55)])
    arrow(ax, [(dx, 4.3), (dx, 3.55), (3.15 + 0.22, 3.55)])
    note(ax, 3.15, 3.02, "score q · d: top-k of millions in ms", color=DARK)
    line(ax, [(0.2, 2.62), (6.2, 2.62)], color="#d0d7de", lw=1.2)
    # --- cross-encoder
    title(ax, 0.2, 2.33, "Cross-encoder: read the pair jointly")
    tokens = [("[CLS]", 0.85, 0.95, tint(ORANGE, 0.45)), ("query", 2.0, 1.2, tint(BLUE, 0.3)),
              ("[SEP]", 3.15, 0.95, LIGHTGREY), ("document", 4.75, 2.1, tint(GREEN, 0.3))]
    for text, x, w, fc in tokens:
        box(ax, x, 1.78, w, 0.44, text, fc=fc, rounding=0.05)
    box(ax, 3.3, 0.98, 5.6, 0.72, "one transformer over the pair: every\n"
        "query token attends to every document token", fc=tint(PURPLE, 0.25))
    for _, x, _, _ in tokens:
        arrow(ax, [(x, 1.56), (x, 1.34)], lw=1.6, head=12)
    arrow(ax, [(0.85, 0.62), (0.85, 0.3), (1.25, 0.3)])
    note(ax, 1.35, 0.3, "relevance score s(q, d): one pass per pair", color=DARK, ha="left")
    return fig


def moe_routing() -> Figure:
    """Card `mixture-of-experts` (Core idea, after the formula): top-2 routing over 8 experts."""
    probs = np.array([0.05, 0.31, 0.04, 0.09, 0.03, 0.36, 0.05, 0.07])
    top = sorted(np.argsort(probs)[-2:])
    gates = probs[top] / probs[top].sum()
    fig, ax = canvas(7.3)
    title(ax, 0.2, 7.05, "Mixture of experts: top-2 of 8")
    box(ax, 3.2, 6.45, 3.4, 0.5, "token hidden state x", fc=LIGHTGREY)
    arrow(ax, [(3.2, 6.2), (3.2, 5.92)])
    box(ax, 3.2, 5.62, 3.4, 0.6, "router: softmax(Wᵣ x)", fc=tint(ORANGE, 0.3))
    xs = 0.62 + 0.735 * np.arange(8)
    base, scale = 3.85, 2.2  # bar baseline (in) and inches per unit probability
    line(ax, [(0.2, base), (6.2, base)], color=GREY, lw=1.2)
    for k, (x, p) in enumerate(zip(xs, probs, strict=True)):
        chosen = k in top
        ax.add_patch(FancyBboxPatch((x - 0.22, base), 0.44, p * scale, boxstyle="square,pad=0",
                                    facecolor=BLUE if chosen else "#c5ccd3", edgecolor="none"))
        ax.text(x, base + p * scale + 0.05, f"{p:.2f}", ha="center", va="bottom",
                fontsize=FS, color=DARK if chosen else GREY,
                fontweight="bold" if chosen else "normal")
    note(ax, 3.2, 5.12, "probability per expert; keep the top 2", color=DARK)
    for k, x in enumerate(xs):
        chosen = k in top
        box(ax, x, 3.3, 0.62, 0.62, f"E{k + 1}", fc=tint(BLUE, 0.3) if chosen else "#f6f8fa",
            ec=DARK if chosen else "#b0b8c1", tc=DARK if chosen else "#8c959f",
            weight="bold" if chosen else "normal", lw=2.2 if chosen else 1.4)
    note(ax, 3.2, 2.72, "grey experts are skipped")
    sx, sy = 3.2, 1.75
    op(ax, sx, sy, "Σ", r=0.24, fs=16)
    for k, g in zip(top, gates, strict=True):
        x = xs[k]
        arrow(ax, [(x, 2.99), (x, sy), (sx + (0.24 if x > sx else -0.24), sy)], color=BLUE)
        ax.text(x + (0.1 if x > sx else -0.1), sy + 0.28, f"× {g:.2f}", ha="left" if x > sx
                else "right", va="center", fontsize=FS, color=BLUE, fontweight="bold")
    arrow(ax, [(sx, sy - 0.24), (sx, 1.05)])
    a, b = top[0] + 1, top[1] + 1
    box(ax, sx, 0.75, 4.6, 0.58, f"y = {gates[0]:.2f}·E{a}(x) + {gates[1]:.2f}·E{b}(x)",
        fc=tint(GREEN, 0.25))
    note(ax, 3.2, 0.2, "gates renormalised over the two chosen experts")
    return fig


# ---------------------------------------------------------------------------------------------
# 03 Classical ML, 04 Optimization, 05 Loss functions


def gini_vs_entropy() -> Figure:
    """Card `decision-tree-splits` (end of Core idea): impurity measures of a binary node."""
    p = np.linspace(0, 1, 401)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = np.nan_to_num(-(p * np.log2(p) + (1 - p) * np.log2(1 - p)))
    fig, ax = plt.subplots(figsize=(WIDTH, 5.0))
    fig.subplots_adjust(left=0.13, right=0.95, top=0.9, bottom=0.28)
    curves = [
        ("entropy (bits)", entropy, BLUE, "-"),
        ("½ · entropy", entropy / 2, SKY, "--"),
        ("Gini 2p(1 − p)", 2 * p * (1 - p), VERMILLION, "-"),
        ("error rate min(p, 1 − p)", np.minimum(p, 1 - p), GREY, ":"),
    ]
    for label, y, color, ls in curves:
        ax.plot(p, y, color=color, ls=ls, lw=2.6, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "0.25", "0.5", "0.75", "1"])
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1], ["0", "", "0.5", "", "1"])
    ax.grid(True)
    ax.set_xlabel("p = share of the positive class in the node")
    ax.set_ylabel("impurity")
    fig.legend(loc="lower center", ncol=2, handlelength=2.2, columnspacing=1.2,
               labelspacing=0.3, bbox_to_anchor=(0.5, 0.0))
    ax.set_title("Impurity of a binary node", loc="left", x=-0.11)
    return fig


def lr_schedules() -> Figure:
    """Card `learning-rate-schedules` (Comparison, after the table): five schedule shapes."""
    t = np.linspace(0, 1, 101)
    warm, cool = 0.05, 0.8  # warmup end and WSD cooldown start, as fractions of the run

    def after_warmup(curve: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.r_[0, warm, t[t > warm]], np.r_[0, 1, curve[t > warm]]

    cos_floor = 0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * (t - warm) / (1 - warm)))
    start, end, pct = 1 / 25, 1 / 25 / 1e4, 0.3  # PyTorch OneCycleLR defaults
    one_cycle = np.where(
        t < pct,
        start + (1 - start) * 0.5 * (1 - np.cos(np.pi * t / pct)),
        end + (1 - end) * 0.5 * (1 + np.cos(np.pi * (t - pct) / (1 - pct))))
    e = np.array([0, 30, 30, 60, 60, 80, 80, 90]) / 90  # ÷10 at epochs 30, 60, 80 of 90
    rows = [
        ("Step decay: ÷10 at epochs 30, 60, 80 of 90",
         (e, np.array([1, 1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001])), GREY),
        ("Cosine to 0", (t, 0.5 * (1 + np.cos(np.pi * t))), BLUE),
        ("Linear warmup + cosine to 10%", after_warmup(cos_floor), VERMILLION),
        ("One-cycle: up for 30%, then down", (t, one_cycle), GREEN),
        ("Warmup–stable–decay: decay in last 20%",
         (np.array([0, warm, cool, 1]), np.array([0, 1, 1, 0])), PURPLE),
    ]
    fig, axes = plt.subplots(len(rows), 1, figsize=(WIDTH, 7.4), sharex=True)
    fig.subplots_adjust(left=0.16, right=0.93, top=0.92, bottom=0.09, hspace=0.18)
    for ax, (label, (x, lr), color) in zip(axes, rows, strict=True):
        ax.fill(np.r_[x, x[-1], x[0]], np.r_[lr, 0, 0], color=tint(color, 0.18), lw=0)
        ax.plot(x, lr, color=color, lw=2.6)
        ax.set_ylim(0, 1.5)
        ax.set_yticks([0, 1], ["0", "peak"])
        ax.set_xlim(0, 1)
        ax.text(0.99, 1.43, label, ha="right", va="top", fontsize=FS, color=DARK)
    axes[-1].set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "25%", "50%", "75%", "100%"])
    axes[-1].set_xlabel("training progress (steps)")
    fig.text(0.01, 0.5, "learning rate", rotation=90, va="center", fontsize=FS)
    fig.text(0.02, 0.975, "Learning-rate schedules", fontsize=FS_TITLE, fontweight="bold",
             va="top")
    return fig


def regression_losses() -> Figure:
    """Cards `mse-mae-huber` and `huber-loss-when` (both: end of Core idea): loss and gradient."""
    r = np.linspace(-3, 3, 121)
    delta = 1.0
    huber = np.where(abs(r) <= delta, 0.5 * r**2, delta * (abs(r) - 0.5 * delta))
    fig, (left, right) = plt.subplots(1, 2, figsize=(WIDTH, 4.5))
    fig.subplots_adjust(left=0.09, right=0.97, top=0.73, bottom=0.15, wspace=0.3)
    # loss: MSE is drawn as ½r² so that Huber equals it inside ±δ
    left.plot(r, 0.5 * r**2, color=VERMILLION, lw=2.4, label="MSE  ½r²")
    left.plot(r, abs(r), color=BLUE, ls="--", lw=2.4, label="MAE  |r|")
    left.plot(r, huber, color=GREEN, ls=(0, (1.2, 1.2)), lw=4, label="Huber  δ = 1")
    # gradient dL/dr: r, sign(r) (a jump at 0, drawn as a gap), clip(r, −δ, δ)
    right.plot(r, r, color=VERMILLION, lw=2.4)
    right.plot([-3, 0], [-1, -1], color=BLUE, ls="--", lw=2.4)
    right.plot([0, 3], [1, 1], color=BLUE, ls="--", lw=2.4)
    right.plot(r, np.clip(r, -delta, delta), color=GREEN, ls=(0, (1.2, 1.2)), lw=4)
    right.text(2.9, -1.5, "Huber:\nclipped\nat ±δ", color=GREEN, fontsize=FS, ha="right",
               va="top", fontweight="bold")
    for ax in (left, right):
        ax.axvline(0, color="#d0d7de", lw=1, zorder=0)
        ax.set_xlim(-3, 3)
        ax.set_xticks([-3, -1, 0, 1, 3], ["−3", "−δ", "0", "δ", "3"])
        ax.set_xlabel("residual r = y − ŷ")
    left.set_ylim(0, 4.5)
    left.set_yticks([0, 1, 2, 3, 4])
    left.set_title("loss", loc="left", fontsize=FS_SUB, pad=8)
    right.axhline(0, color="#d0d7de", lw=1, zorder=0)
    right.set_ylim(-3, 3)
    right.set_yticks([-3, -1, 0, 1, 3], ["−3", "−δ", "0", "δ", "3"])
    right.set_title("gradient dL/dr", loc="left", fontsize=FS_SUB, pad=8)
    fig.legend(*left.get_legend_handles_labels(), loc="upper left", ncol=3,
               bbox_to_anchor=(0.0, 0.9), columnspacing=0.9, handlelength=2.0)
    fig.text(0.02, 0.975, "Regression losses vs residual", fontsize=FS_TITLE, fontweight="bold",
             va="top")
    return fig


def focal_loss() -> Figure:
    """Card `focal-loss` (end of Core idea): FL = −(1 − p_t)^γ log p_t for several γ."""
    p = np.r_[np.geomspace(0.002, 0.1, 40), np.linspace(0.1, 1, 91)[1:]]
    fig, ax = plt.subplots(figsize=(WIDTH, 4.8))
    fig.subplots_adjust(left=0.11, right=0.95, top=0.86, bottom=0.14)
    ax.axvspan(0.5, 1, color="#f0f3f6", zorder=0, lw=0)
    ax.text(0.75, 1.05, "well-classified\n(pₜ > 0.5)", ha="center", va="bottom", fontsize=FS,
            color=GREY)
    styles = [(0, BLACK, "-"), (0.5, SKY, "--"), (1, GREEN, "-."), (2, VERMILLION, "-"),
              (5, BLUE, ":")]
    for gamma, color, ls in styles:
        loss = -((1 - p) ** gamma) * np.log(p)
        label = "γ = 0 (cross-entropy)" if gamma == 0 else f"γ = {gamma:g}"
        ax.plot(p, loss, color=color, ls=ls, lw=3 if ls == ":" else 2.5, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "0.25", "0.5", "0.75", "1"])
    ax.set_xlabel("probability of the true class, pₜ")
    ax.set_ylabel("loss")
    ax.legend(loc="upper right", labelspacing=0.3, borderaxespad=0.3)
    ax.set_title("Focal loss −(1 − pₜ)ᵞ log pₜ", loc="left", x=-0.09, pad=12)
    return fig


def kl_forward_reverse() -> Figure:
    """Card `kl-divergence` (end of the direction section): mode-covering vs mode-seeking."""
    x = np.linspace(-6, 6, 1201)
    dx = x[1] - x[0]

    def normal(mu: float, sigma: float) -> np.ndarray:
        return np.asarray(np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi)))

    p = 0.5 * normal(-2.0, 0.6) + 0.5 * normal(2.0, 0.6)
    # forward KL(p‖q) over Gaussians q is minimised by moment matching
    mu_f = float((x * p).sum() * dx)
    sd_f = float(np.sqrt(((x - mu_f) ** 2 * p).sum() * dx))
    # reverse KL(q‖p): grid search (two mirror-image optima; search mu >= 0)
    best = (np.inf, 0.0, 1.0)
    for mu in np.linspace(0, 3, 61):
        for sd in np.linspace(0.3, 2.5, 111):
            q = normal(float(mu), float(sd))
            kl = float((q * (np.log(q + 1e-300) - np.log(p + 1e-300))).sum() * dx)
            best = min(best, (kl, float(mu), float(sd)))
    _, mu_r, sd_r = best
    every = slice(None, None, 5)  # plot 241 of the 1201 points
    fig, ax = plt.subplots(figsize=(WIDTH, 4.6))
    fig.subplots_adjust(left=0.04, right=0.96, top=0.87, bottom=0.13)
    ax.fill_between(x[every], p[every], color=LIGHTGREY, lw=0)
    ax.plot(x[every], p[every], color=DARK, lw=2.4, label="p: bimodal target")
    ax.plot(x[every], normal(mu_f, sd_f)[every], color=BLUE, ls="--", lw=2.8,
            label="forward KL(p‖q): covers both")
    ax.plot(x[every], normal(mu_r, sd_r)[every], color=VERMILLION, lw=2.8,
            label="reverse KL(q‖p): one mode")
    ax.set_xlim(-5, 5)
    ax.set_ylim(0, 0.9)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xticks([-4, -2, 0, 2, 4], ["−4", "−2", "0", "2", "4"])
    ax.set_xlabel("x")
    ax.legend(loc="upper left", labelspacing=0.3, borderaxespad=0.1)
    ax.set_title("Best single Gaussian q for a bimodal p", loc="left", pad=10)
    return fig


# ---------------------------------------------------------------------------------------------
# 08 Generalization and regularization


def bias_variance() -> Figure:
    """Card `bias-variance` (end of Core idea): the classical U-curve."""
    c = np.linspace(0, 1, 161)
    bias2 = 0.85 * np.exp(-4.5 * c)
    variance = 0.03 * np.exp(3.6 * c)
    noise = np.full_like(c, 0.12)
    total = bias2 + variance + noise
    best = int(np.argmin(total))
    fig, ax = plt.subplots(figsize=(WIDTH, 5.0))
    fig.subplots_adjust(left=0.08, right=0.97, top=0.88, bottom=0.2)
    ax.plot(c, total, color=DARK, lw=3.2)
    ax.plot(c, bias2, color=BLUE, ls="--", lw=2.6)
    ax.plot(c, variance, color=VERMILLION, ls="-.", lw=2.6)
    ax.plot(c, noise, color=GREY, ls=":", lw=2.6)
    ax.text(0.07, 1.0, "total error", color=DARK, fontsize=FS, fontweight="bold")
    ax.text(0.16, 0.46, "bias²", color=BLUE, fontsize=FS, fontweight="bold")
    ax.text(0.8, 0.3, "variance", color=VERMILLION, fontsize=FS, ha="left",
            fontweight="bold")
    ax.text(0.98, 0.15, "noise σ² (irreducible)", color=GREY, fontsize=FS, ha="right",
            va="bottom", fontweight="bold")
    ax.axvline(c[best], color=GREEN, lw=2, ls=(0, (1, 2)))
    ax.plot([c[best]], [total[best]], "o", color=GREEN, ms=9, zorder=5)
    ax.text(c[best], 1.09, "sweet spot", color=GREEN, fontsize=FS, fontweight="bold",
            ha="center", va="bottom")
    ax.text(0.0, -0.05, "underfitting\n(high bias)", fontsize=FS, color=GREY, va="top",
            transform=ax.transAxes)
    ax.text(1.0, -0.05, "overfitting\n(high variance)", fontsize=FS, color=GREY, va="top",
            ha="right", transform=ax.transAxes)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.2)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("model complexity →", labelpad=8)
    ax.set_ylabel("expected test error")
    ax.set_title("Bias–variance trade-off (schematic)", loc="left", x=-0.06)
    return fig


def double_descent() -> Figure:
    """Card `overparameterization` (How it works, inside item 2): the double-descent curve."""
    u = np.linspace(-1.3, 1.3, 261)  # log10(parameters / training samples)
    ratio = 10**u
    bias = 0.45 * np.exp(-3 * (u + 1.3))  # falls as the model grows
    variance = 0.6 / (1 + (u / 0.15) ** 2)  # blows up where the model can just interpolate
    floor = 0.25 - np.where(u > 0, 0.1 * (1 - np.exp(-2 * u)), 0.0)  # keeps falling past it
    test = bias + variance + floor
    train = 0.3 * np.clip(1 - ratio, 0, None) ** 1.2  # zero once the model interpolates
    fig, ax = plt.subplots(figsize=(WIDTH, 5.0))
    fig.subplots_adjust(left=0.08, right=0.97, top=0.87, bottom=0.15)
    ax.axvspan(10**-1.3, 1, color="#f3f5f7", lw=0, zorder=0)
    ax.plot(ratio, test, color=VERMILLION, lw=3, label="test error")
    ax.plot(ratio, train, color=BLUE, ls="--", lw=2.6, label="train error")
    ax.axvline(1, color=DARK, lw=1.6, ls=":")
    ax.text(1.1, 1.0, "interpolation\nthreshold", fontsize=FS, va="top", ha="left")
    ax.text(0.055, 1.0, "classical regime:\nU-shape", fontsize=FS, va="top", color=GREY)
    ax.text(19, 0.36, "modern regime:\nsecond descent", fontsize=FS, ha="right", va="bottom",
            color=GREY)
    ax.set_xscale("log")
    ax.set_xlim(10**-1.3, 10**1.3)
    ax.set_ylim(0, 1.05)
    ax.set_xticks([0.1, 1, 10], ["0.1", "1", "10"])
    ax.minorticks_off()
    ax.set_yticks([])
    ax.set_xlabel("parameters / training samples (log scale)")
    ax.set_ylabel("error")
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.82))
    ax.set_title("Double descent (schematic)", loc="left", x=-0.06)
    return fig


def normalization_axes() -> Figure:
    """Card `normalization-layers` (Core idea, after the list of S): cells sharing one μ, σ²."""
    n_, c_, hw_ = 4, 6, 5  # examples, channels, spatial positions (H·W flattened)
    a, b = 0.34, 0.28  # cell width (N axis) and height (H·W axis), inches
    p, q = 0.15, 0.1  # depth offset per channel (C axis)
    cases: list[tuple[str, str, Callable[[int, int], bool]]] = [
        ("Batch norm", "one channel, all N and H·W", lambda n, c: c == 0),
        ("Layer norm", "one example, all C and H·W", lambda n, c: n == 0),
        ("Instance norm", "one example, one channel", lambda n, c: n == 0 and c == 0),
        ("Group norm", "one example, a channel group", lambda n, c: n == 0 and c < 3),
    ]
    fig, ax = canvas(7.3)
    title(ax, 0.2, 7.05, "Normalisation: shaded cells share one μ, σ²")
    for k, (name, sub, member) in enumerate(cases):
        ox, oy = [0.7, 3.7][k % 2], [3.95, 0.6][k // 2]  # front-bottom-left corner
        faces: dict[bool, list[list[tuple[float, float]]]] = {True: [], False: []}
        for n in range(n_):  # front face: channel 0
            for h in range(hw_):
                faces[member(n, 0)].append([(n * a, h * b), ((n + 1) * a, h * b),
                                            ((n + 1) * a, (h + 1) * b), (n * a, (h + 1) * b)])
        top, right = hw_ * b, n_ * a
        for n in range(n_):  # top face: every channel
            for c in range(c_):
                faces[member(n, c)].append([
                    (n * a + c * p, top + c * q), ((n + 1) * a + c * p, top + c * q),
                    ((n + 1) * a + (c + 1) * p, top + (c + 1) * q),
                    (n * a + (c + 1) * p, top + (c + 1) * q)])
        for c in range(c_):  # right face: the last example
            for h in range(hw_):
                faces[member(n_ - 1, c)].append([
                    (right + c * p, h * b + c * q), (right + (c + 1) * p, h * b + (c + 1) * q),
                    (right + (c + 1) * p, (h + 1) * b + (c + 1) * q),
                    (right + c * p, (h + 1) * b + c * q)])
        for shaded, polys in faces.items():
            cells(ax, [[(ox + x, oy + y) for x, y in poly] for poly in polys],
                  fc=tint(BLUE, 0.75) if shaded else "white", ec=DARK, lw=0.9)
        # axes of the tensor
        arrow(ax, [(ox, oy - 0.13), (ox + right, oy - 0.13)], color=GREY, lw=1.5, head=11)
        note(ax, ox + right / 2, oy - 0.35, "N", color=DARK)
        arrow(ax, [(ox - 0.13, oy), (ox - 0.13, oy + top)], color=GREY, lw=1.5, head=11)
        note(ax, ox - 0.35, oy + top / 2, "H·W", color=DARK, rotation=90)
        depth = (ox + right + 0.12, oy - 0.07)
        arrow(ax, [depth, (depth[0] + c_ * p, depth[1] + c_ * q)], color=GREY, lw=1.5, head=11)
        note(ax, ox + right + c_ * p + 0.2, oy + c_ * q - 0.12, "C", color=DARK, ha="left")
        head = oy + top + c_ * q
        title(ax, ox - 0.5, head + 0.6, name, fs=FS_SUB)
        note(ax, ox - 0.5, head + 0.28, sub, ha="left")
    return fig


# ---------------------------------------------------------------------------------------------
# 09 Evaluation and calibration


def roc_vs_pr() -> Figure:
    """Card `classification-metrics` (Walkthrough, inside step 4): ROC hides imbalance, PR not."""
    rng = np.random.default_rng(0)
    pos = np.sort(rng.normal(2.0, 1.0, 20_000))  # scores of positives
    neg = np.sort(rng.normal(0.0, 1.0, 1_000_000))  # scores of negatives

    def rates(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """True and false positive rates when flagging scores >= t."""
        tpr = 1 - np.searchsorted(pos, t, side="left") / pos.size
        fpr = 1 - np.searchsorted(neg, t, side="left") / neg.size
        return tpr, fpr

    tpr, fpr = rates(np.linspace(6.5, -5, 461))
    auc = float(np.mean(np.searchsorted(neg, pos) / neg.size))  # P(s+ > s−)
    fig, (roc, pr) = plt.subplots(1, 2, figsize=(WIDTH, 4.7))
    fig.subplots_adjust(left=0.1, right=0.97, top=0.79, bottom=0.3, wspace=0.34)
    roc.plot([0, 1], [0, 1], color=GREY, ls=":", lw=1.8)
    tpr_at_pos, fpr_at_pos = rates(pos)
    for prevalence, color, ls, lw in [(0.5, BLUE, "-", 4.5), (0.01, VERMILLION, "--", 2.4)]:
        roc.plot(fpr, tpr, color=color, ls=ls, lw=lw)
        keep = tpr > 0
        precision = prevalence * tpr[keep] / (prevalence * tpr[keep] + (1 - prevalence) * fpr[keep])
        # average precision: the mean precision at the score of each positive
        ap = float(np.mean(prevalence * tpr_at_pos
                           / (prevalence * tpr_at_pos + (1 - prevalence) * fpr_at_pos)))
        pr.plot(tpr[keep], precision, color=color, ls=ls, lw=min(lw, 3.0),
                label=f"{prevalence:.0%}: AUC {auc:.2f}, AP {ap:.2f}")
        pr.axhline(prevalence, color=color, ls=":", lw=1.8)
    roc.set_xlabel("false positive rate")
    roc.set_ylabel("true positive rate")
    roc.set_title("ROC", loc="left", fontsize=FS_SUB)
    pr.set_xlabel("recall")
    pr.set_ylabel("precision")
    pr.set_title("Precision–recall", loc="left", fontsize=FS_SUB)
    for ax in (roc, pr):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax.set_yticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax.set_aspect("equal")
    fig.legend(*pr.get_legend_handles_labels(), loc="lower center", ncol=1,
               title="prevalence (same scores)", bbox_to_anchor=(0.5, 0.0), title_fontsize=FS,
               labelspacing=0.25)
    fig.text(0.02, 0.975, "Same model at 50% and 1% positives", fontsize=FS_TITLE,
             fontweight="bold", va="top")
    fig.text(0.02, 0.91, "dotted: random baseline (in PR, the prevalence)", fontsize=FS,
             color=GREY, va="top")
    return fig


def reliability_diagram() -> Figure:
    """Card `calibration` (Core idea, after the ECE definition): temperature scaling at work."""
    rng = np.random.default_rng(0)

    def simulate(size: int) -> tuple[np.ndarray, np.ndarray]:
        true_logit = rng.normal(0.0, 1.6, size)
        y = (rng.random(size) < 1 / (1 + np.exp(-true_logit))).astype(float)
        model_logit = 2.6 * (true_logit + rng.normal(0.0, 0.25, size))  # overconfident
        return model_logit, y

    cal_logit, cal_y = simulate(20_000)  # calibration split: fit T here
    test_logit, test_y = simulate(50_000)  # held-out split: plot here

    def nll(logit: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean(np.logaddexp(0, logit) - y * logit))

    temps = np.linspace(0.5, 5, 901)
    t_best = float(temps[int(np.argmin([nll(cal_logit / t, cal_y) for t in temps]))])
    edges = np.linspace(0, 1, 11)

    def reliability(prob: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        idx = np.clip(np.digitize(prob, edges) - 1, 0, 9)
        count = np.bincount(idx, minlength=10).astype(float)
        conf = np.bincount(idx, prob, minlength=10) / np.maximum(count, 1)
        acc = np.bincount(idx, test_y, minlength=10) / np.maximum(count, 1)
        ece = float(np.sum(count / count.sum() * np.abs(acc - conf)))
        return conf, acc, count / count.sum(), ece

    before = reliability(1 / (1 + np.exp(-test_logit)))
    after = reliability(1 / (1 + np.exp(-test_logit / t_best)))
    fig, (top, hist) = plt.subplots(2, 1, figsize=(WIDTH, 7.2), sharex=True,
                                    gridspec_kw={"height_ratios": [3.2, 1.1]})
    fig.subplots_adjust(left=0.14, right=0.97, top=0.88, bottom=0.09, hspace=0.12)
    top.plot([0, 1], [0, 1], color=GREY, ls=":", lw=2, label="perfect calibration")
    series = [(before, VERMILLION, "s", "--", "before"), (after, BLUE, "o", "-", "after")]
    for (conf, acc, _, ece), color, marker, ls, name in series:
        label = (f"{name}: ECE {ece:.3f}" if name == "before"
                 else f"after T = {t_best:.2f}: ECE {ece:.3f}")
        top.plot(conf, acc, color=color, marker=marker, ms=8, ls=ls, lw=2.6, label=label)
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.set_yticks([0, 0.5, 1], ["0", "0.5", "1"])
    top.set_ylabel("observed frequency")
    top.legend(loc="upper left", labelspacing=0.3)
    top.set_aspect("auto")
    width = 0.04
    centres = (edges[:-1] + edges[1:]) / 2
    hist.bar(centres - width / 2, before[2], width=width, color=VERMILLION, label="before")
    hist.bar(centres + width / 2, after[2], width=width, color=BLUE, label="after")
    hist.set_ylabel("share")
    hist.set_yticks([0, 0.3], ["0", "30%"])
    hist.set_ylim(0, max(before[2].max(), after[2].max()) * 1.1)
    hist.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0", "0.25", "0.5", "0.75", "1"])
    hist.set_xlabel("predicted probability (10 bins)")
    fig.text(0.02, 0.975, "Reliability diagram: overconfident model", fontsize=FS_TITLE,
             fontweight="bold", va="top")
    fig.text(0.02, 0.935, "simulated; temperature T fitted on a separate calibration split",
             fontsize=FS, color=GREY, va="top")
    return fig


# ---------------------------------------------------------------------------------------------
# 10 Production ML


def position_bias() -> Figure:
    """Card `position-bias` (end of Core idea): observed CTR, θ_k, and CTR / θ_k."""
    rng = np.random.default_rng(0)
    k = np.arange(1, 11)
    theta = 1 / k  # examination propensity, illustrative
    relevance = 0.3  # equal at every rank, e.g. results shuffled on a randomised slice
    observed = theta * relevance * (1 + rng.normal(0, 0.04, k.size))
    corrected = observed / theta
    fig, ax = plt.subplots(figsize=(WIDTH, 4.8))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.87, bottom=0.14)
    ax.bar(k, observed, width=0.62, color=tint(BLUE, 0.85), label="observed click-through rate")
    ax.plot(k, theta, color=ORANGE, ls="--", marker="o", ms=7, lw=2.4,
            label="examined: θₖ = 1/k (illustrative)")
    ax.plot(k, corrected, color=GREEN, marker="D", ms=7, lw=2.6,
            label="CTR / θₖ = relevance: flat")
    ax.set_xticks(k)
    ax.set_xlim(0.4, 10.6)
    ax.set_ylim(0, 1.25)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_xlabel("rank k")
    ax.set_ylabel("probability")
    ax.legend(loc="upper right", labelspacing=0.3)
    ax.set_title("Position bias: same relevance at every rank", loc="left", x=-0.09)
    return fig


def canary_shadow() -> Figure:
    """Card `canary-shadow-deployment` (start of How it works): shadow, then a gated canary."""
    fig, ax = canvas(7.6)
    title(ax, 0.2, 7.32, "Shadow: mirror, log, compare; never serve")
    y1, y2 = 6.5, 5.25
    box(ax, 0.75, y1, 1.1, 0.64, "live\ntraffic", fc=LIGHTGREY)
    box(ax, 2.35, y1, 1.2, 0.64, "router", fc=tint(ORANGE, 0.3))
    box(ax, 4.05, y1, 1.4, 0.64, "current\nmodel", fc=tint(BLUE, 0.25))
    arrow(ax, [(1.3, y1), (1.75, y1)])
    arrow(ax, [(2.95, y1), (3.35, y1)])
    arrow(ax, [(4.75, y1), (5.3, y1)])
    note(ax, 5.8, y1, "served\nto user", color=DARK)
    arrow(ax, [(2.35, y1 - 0.32), (2.35, y2 + 0.32)], ls="--", color=GREY)
    note(ax, 2.25, (y1 + y2) / 2, "mirrored copy", ha="right")
    box(ax, 2.35, y2, 1.3, 0.64, "new model\n(shadow)", fc=tint(GREEN, 0.3))
    box(ax, 4.75, y2, 2.1, 0.64, "log both and\ncompare", fc="#f6f8fa")
    arrow(ax, [(3.0, y2), (3.7, y2)], ls="--", color=GREY)
    arrow(ax, [(4.05, y1 - 0.32), (4.05, y2 + 0.32)], ls="--", color=GREY)
    ax.text(3.2, 4.6, "the new model's responses are never served", ha="center", va="center",
            fontsize=FS, color=VERMILLION, fontweight="bold")
    line(ax, [(0.2, 4.22), (6.2, 4.22)], color="#d0d7de", lw=1.2)
    # --- canary
    title(ax, 0.2, 3.92, "Canary: ramp live traffic, gate each step")
    note(ax, 0.2, 3.55, "share of users served by the new model:", ha="left", color=DARK)
    steps = ["1%", "5%", "25%", "50%", "100%"]  # the card's ramp
    w, d, gap = 0.72, 0.15, 0.15  # step box width, half a gate diamond, arrow length
    xs = [0.2 + w / 2 + k * (w + 2 * gap + 2 * d) for k in range(len(steps))]
    ys, yr = 2.9, 1.75  # step row, rollback bar

    def gate(x: float, y: float) -> None:
        ax.add_patch(Polygon([(x - d, y), (x, y + d), (x + d, y), (x, y - d)], closed=True,
                             facecolor=YELLOW, edgecolor=DARK, lw=1.8))

    for k, (x, label) in enumerate(zip(xs, steps, strict=True)):
        box(ax, x, ys, w, 0.56, label, fc=tint(GREEN, 0.2 + 0.66 * k / (len(steps) - 1)),
            weight="bold")
        if k < len(steps) - 1:
            gx = x + w / 2 + gap + d
            gate(gx, ys)
            arrow(ax, [(x + w / 2, ys), (gx - d, ys)], lw=1.8, head=13)
            arrow(ax, [(gx + d, ys), (xs[k + 1] - w / 2, ys)], lw=1.8, head=13)
            arrow(ax, [(gx, ys - d), (gx, yr + 0.25)], color=VERMILLION, lw=1.8, head=13)
    box(ax, 3.2, yr, 6.0, 0.5, "fail → automatic rollback to the current model",
        fc=tint(VERMILLION, 0.15), ec=VERMILLION)
    gate(0.42, 0.95)
    note(ax, 0.8, 0.75, "gate: canary vs an equal baseline cohort\non errors, p99 latency, "
         "score shift and\nguardrail metrics, through peak traffic", ha="left", color=DARK)
    return fig


# ---------------------------------------------------------------------------------------------

FIGURES: dict[str, tuple[Callable[[], Figure], str]] = {
    "attention-masks": (attention_masks, "attention-mechanisms"),
    "kv-cache-memory": (kv_cache_memory, "kv-cache"),
    "transformer-block": (transformer_block, "how-transformers-work"),
    "rnn-unrolled-lstm": (rnn_unrolled_lstm, "rnns-today"),
    "bi-encoder-vs-cross-encoder": (bi_encoder_vs_cross_encoder, "cross-encoder-vs-bi-encoder"),
    "moe-routing": (moe_routing, "mixture-of-experts"),
    "lr-schedules": (lr_schedules, "learning-rate-schedules"),
    "regression-losses": (regression_losses, "mse-mae-huber, huber-loss-when"),
    "focal-loss": (focal_loss, "focal-loss"),
    "gini-vs-entropy": (gini_vs_entropy, "decision-tree-splits"),
    "bias-variance": (bias_variance, "bias-variance"),
    "double-descent": (double_descent, "overparameterization"),
    "roc-vs-pr": (roc_vs_pr, "classification-metrics"),
    "reliability-diagram": (reliability_diagram, "calibration"),
    "position-bias": (position_bias, "position-bias"),
    "canary-shadow": (canary_shadow, "canary-shadow-deployment"),
    "normalization-axes": (normalization_axes, "normalization-layers"),
    "kl-forward-reverse": (kl_forward_reverse, "kl-divergence"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="figures to draw (default: all); see --list")
    parser.add_argument("--list", action="store_true", help="list figure names and their cards")
    parser.add_argument("--out", type=Path, default=MEDIA,
                        help="folder to write (default: media/; the tests write elsewhere and "
                        "compare)")
    args = parser.parse_args(argv)
    if args.list:
        for name, (_, card) in FIGURES.items():
            print(f"{name:30} {card}")
        return 0
    unknown = [n for n in args.names if n not in FIGURES]
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(unknown)}; see --list")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names or FIGURES:
        setup()
        path = save(FIGURES[name][0](), name, args.out)
        print(f"{path}  {path.stat().st_size / 1024:5.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
