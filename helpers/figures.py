"""Figures: one seaborn theme for the whole kit, and saving figures to the results folder."""

from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns

from helpers import settings

PALETTE = "colorblind"


def set_theme() -> None:
    """The kit's theme: white grid, large enough type for a projector, colour-blind palette."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=1.05)
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "svg.hashsalt": "sme-kerala-kit",  # stable SVG ids, so saved files do not churn
        }
    )


def save_figure(figure: plt.Figure, name: str) -> None:
    """Save a figure as PNG and SVG under results/figures (the names are the paper's items)."""
    folder = settings.results_dir("figures")
    for suffix in ("png", "svg"):
        figure.savefig(folder / f"{name}.{suffix}", metadata={"Date": None} if suffix == "svg" else None)
