"""Figures of the lessons beyond the paper: bootstrap distributions, the Bollen-Stine bootstrap of
the model chi-square, and power against sample size."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from scipy import stats

from helpers.figures.theme import PALETTE
from helpers.power import STUDY_N, TARGET_POWER
from helpers.robustness import (
    KIND_INDIRECT,
    KIND_PATH,
    KIND_R2,
    KIND_TOTAL,
    KIND_TOTAL_INDIRECT,
    LEVEL,
    SCALE_BETA,
)


def bootstrap_figure(
    result,
    kind: str = KIND_INDIRECT,
    scale: str = SCALE_BETA,
    level: float = LEVEL,
    columns: int = 3,
):
    """Histograms of the bootstrap draws of every quantity of one ``kind`` and ``scale``, with
    the point estimate, the percentile and BC intervals and zero marked."""
    summary = result.summary(level)
    rows = summary.xs((kind, scale), level=("kind", "scale"))
    panels = len(rows)
    grid_rows = int(np.ceil(panels / columns))
    fig, axes = plt.subplots(grid_rows, columns, figsize=(4.2 * columns, 3.3 * grid_rows), squeeze=False)
    colour, pct_colour, bc_colour = sns.color_palette(PALETTE, 3)
    for ax, (effect, row) in zip(axes.flat, rows.iterrows()):
        draws = result.draws[(kind, effect, scale)]
        ax.hist(draws, bins=50, color=colour, alpha=0.6)
        ax.axvline(row["estimate"], color="black", linewidth=1.5, label="estimate")
        for bound in ("pct_lower", "pct_upper"):
            ax.axvline(
                row[bound],
                color=pct_colour,
                linestyle="--",
                linewidth=1.2,
                label="percentile interval" if bound == "pct_lower" else None,
            )
        for bound in ("bc_lower", "bc_upper"):
            ax.axvline(
                row[bound],
                color=bc_colour,
                linestyle=":",
                linewidth=1.8,
                label="BC interval" if bound == "bc_lower" else None,
            )
        if draws.min() <= 0 <= draws.max() or abs(draws.min()) < 0.5 * draws.std():
            ax.axvline(0, color="grey", linewidth=0.8)
        ax.set_title(effect)
        ax.set_yticks([])
    for ax in axes.flat[panels:]:
        ax.remove()
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.02))
    what = {
        KIND_INDIRECT: "indirect effects",
        KIND_PATH: "paths",
        KIND_TOTAL_INDIRECT: "total indirect effects",
        KIND_R2: "R²",
        KIND_TOTAL: "total effects",
    }[kind]
    fig.suptitle(
        f"Bootstrap distributions of the {what} ({scale}), {result.n_resamples} resamples", fontweight="bold"
    )
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def bollen_stine_figure(result):
    """The Bollen-Stine bootstrap chi-squares, the chi-square density with the model's df (what
    normal theory expects) and the observed chi-square."""
    colour, theory_colour = sns.color_palette(PALETTE, 2)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    upper = float(np.quantile(result.draws, 0.995))
    ax.hist(
        result.draws,
        bins=60,
        range=(0, upper),
        density=True,
        color=colour,
        alpha=0.6,
        label=f"Bollen-Stine bootstrap ({result.n_resamples} resamples)",
    )
    grid = np.linspace(0.01, upper, 300)
    ax.plot(
        grid,
        stats.chi2.pdf(grid, result.df),
        color=theory_colour,
        linewidth=2,
        label=f"chi-square distribution, df = {result.df}",
    )
    ax.axvline(result.chisq, color="black", linewidth=1.5, label=f"observed χ² = {result.chisq:.2f}")
    ax.set_xlabel("Model chi-square")
    ax.set_ylabel("Density")
    ax.set_title("Model chi-square when the model is true: bootstrap vs normal theory")
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def power_curve_figure(
    curve: pd.DataFrame,
    search=None,
    n_study: int = STUDY_N,
    target: float = TARGET_POWER,
):
    """Power against N for each path (``power_curve``), with the study's N and 80% marked."""
    fig, ax = plt.subplots(figsize=(9, 5))
    hypotheses = list(dict.fromkeys(curve["hypothesis"]))
    colours = sns.color_palette(PALETTE, len(hypotheses))
    for hypothesis, colour in zip(hypotheses, colours):
        rows = curve[curve["hypothesis"] == hypothesis]
        ax.plot(rows["n"], rows["power"], color=colour, label=f"{hypothesis} {rows['path'].iloc[0]}")
    ax.axhline(target, color="black", linestyle="--", linewidth=1)
    ax.axvline(n_study, color="grey", linestyle=":", linewidth=1.5)
    ax.text(n_study, 0.02, f" N = {n_study}", color="grey")
    if search is not None:
        ax.scatter(
            search.steps["n"],
            search.steps["power"],
            color="black",
            s=18,
            zorder=3,
            label="Monte Carlo (bisection steps)",
        )
    ax.set_xlabel("Number of firms (N)")
    ax.set_ylabel("Power (two-sided, α = .05)")
    ax.set_ylim(0, 1.02)
    ax.set_title("Power of each path's test against sample size")
    ax.legend(loc="lower right", fontsize=9, ncol=2)
    fig.tight_layout()
    return fig
