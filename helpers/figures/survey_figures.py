"""Figures of the survey: Figure 1 (platform use), diverging Likert bars, construct scores by
group, Q-Q plots and the correlation heatmap. Each takes a table from ``helpers.descriptives``
or ``helpers.diagnostics`` and returns a matplotlib Figure; nothing here is random, so the same
table always gives the same figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from helpers import instrument as ins
from helpers.figures.theme import PALETTE
from helpers.survey import SurveySource

# Answer colours, strongly disagree -> strongly agree: a red-blue diverging scale (readable
# with the common colour-vision deficiencies) with a grey neutral so the centre stays visible.
LIKERT_COLOURS = ("#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac")


def _abbreviations() -> dict[str, str]:
    return {c.key: c.abbreviation for c in ins.CONSTRUCTS}


def platform_use_figure(
    table: pd.DataFrame, source: SurveySource, title: str = "Figure 1. Digital platform use"
) -> Figure:
    """Figure 1: share of firms using each platform, as horizontal bars, largest on top.

    ``table`` is ``descriptives.platform_use_table``; ``source`` the identity of the survey it
    counts (``helpers.survey.source_of(survey)``). On the kit's shipped data, platforms whose
    share the paper does not state are drawn lighter and hatched ("assumed"), and a black tick
    marks the published value next to the reproduced bar. On another survey every bar is that
    survey's share, so none is hatched, and the ticks show the paper's sample for comparison.
    """
    shipped = source.shipped
    # Most used first, ties in the table's order; reversed because barh draws bottom-up.
    data = table.sort_values("percentage", ascending=False, kind="stable").iloc[::-1]
    data = data.reset_index(drop=True)
    colour = sns.color_palette(PALETTE)[0]
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(data) + 1.6))
    positions = np.arange(len(data))
    bars = ax.barh(positions, data["percentage"], color=colour, edgecolor=colour, height=0.7)
    for bar, reported in zip(bars, data["share_reported_in_paper"], strict=True):
        if shipped and not reported:
            bar.set_alpha(0.45)
            bar.set_hatch("//")
    ax.bar_label(bars, labels=[f"{p:.0f}%" for p in data["percentage"]], padding=4)
    stated = data["published_percentage"].notna()
    ax.scatter(
        data.loc[stated, "published_percentage"],
        positions[stated.to_numpy()],
        marker="|",
        s=500,
        linewidths=2.5,
        color="black",
        zorder=3,
    )
    ax.set_yticks(positions, data["platform"])
    ax.set_xlim(0, 112)  # room for the labels of bars at 100%
    ax.set_xlabel("Firms using the platform (%)")
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    bars_meaning = [Patch(facecolor=colour, edgecolor=colour, label="this survey")]
    if shipped:
        bars_meaning = [
            Patch(facecolor=colour, edgecolor=colour, label="share stated in the paper"),
            Patch(
                facecolor=colour,
                edgecolor=colour,
                alpha=0.45,
                hatch="//",
                label="assumed (the paper states no share)",
            ),
        ]
    handles = [
        *bars_meaning,
        Line2D(
            [],
            [],
            marker="|",
            linestyle="none",
            markersize=14,
            markeredgewidth=2.5,
            color="black",
            label="published value" if shipped else "published value (the paper's sample)",
        ),
    ]
    ax.legend(handles=handles, loc="lower right", frameon=True)
    fig.tight_layout()
    return fig


def likert_diverging_figure(distribution: pd.DataFrame, construct_label: str) -> Figure:
    """Diverging stacked bars of the answers to one construct's items, centred on the neutral
    answer (half of it left of zero, half right), disagreement left, agreement right.

    ``distribution`` is ``descriptives.likert_distribution``. Reverse-worded items are shown as
    answered (not recoded) and marked "(R)", so agreement with them means *less* of the
    construct.
    """
    shares = distribution.pivot_table(
        index="item", columns="answer", values="percentage", sort=False
    ).reindex(columns=list(ins.LIKERT_SCALE), fill_value=0.0)
    reverse = distribution.groupby("item", sort=False)["reverse_worded"].first()
    items = list(shares.index)[::-1]  # first item on top
    shares, reverse = shares.loc[items], reverse.loc[items]
    neutral = ins.LIKERT_MIN + (ins.LIKERT_MAX - ins.LIKERT_MIN) // 2
    disagree = [a for a in ins.LIKERT_SCALE if a < neutral]
    left = -(shares[disagree].sum(axis=1) + shares[neutral] / 2)

    fig, ax = plt.subplots(figsize=(10, 0.6 * len(items) + 2.2))
    positions = np.arange(len(items))
    for answer, colour in zip(ins.LIKERT_SCALE, LIKERT_COLOURS, strict=True):
        widths = shares[answer].to_numpy()
        bars = ax.barh(
            positions,
            widths,
            left=left.to_numpy(),
            color=colour,
            height=0.7,
            label=ins.LIKERT_SCALE[answer],
        )
        ax.bar_label(
            bars,
            labels=[f"{w:.0f}" if w >= 8 else "" for w in widths],
            label_type="center",
            fontsize=9,
        )
        left = left + widths
    ax.axvline(0, color="black", linewidth=1, zorder=0)  # behind the bars, not across labels
    ax.set_yticks(positions, [f"{i} (R)" if r else i for i, r in zip(items, reverse, strict=True)])
    limit = 5 * np.ceil(max(abs(ax.get_xlim()[0]), ax.get_xlim()[1]) / 5)
    ax.set_xlim(-limit, limit)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{abs(x):.0f}"))
    ax.set_xlabel("Firms (%), disagreement to the left, agreement to the right")
    ax.set_title(construct_label)
    ax.grid(axis="y", visible=False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 - 0.15 / max(len(items), 1)),
        ncol=len(ins.LIKERT_SCALE),
        frameon=False,
        fontsize=9,
    )
    if reverse.any():
        fig.text(0.01, 0.01, "(R) reverse-worded item, shown as answered", fontsize=9)
    fig.tight_layout()
    return fig


def construct_by_group_figure(
    by_group: pd.DataFrame, title: str | None = None, min_group_size: int = 5
) -> Figure:
    """Mean construct scores with their confidence intervals, one colour per firm group.

    ``by_group`` is ``descriptives.scores_by_group`` (95% intervals by default); the constructs
    run along the x axis (abbreviated), groups side by side. The y axis is the full 1-5 answer
    scale, so small differences are not exaggerated. Groups with fewer than ``min_group_size``
    firms are left out (their intervals would span the whole scale) and named under the plot.
    """
    constructs = list(dict.fromkeys(by_group["construct"]))
    sizes = by_group.groupby("group", sort=False)["n"].max()
    groups = [g for g, n in sizes.items() if n >= min_group_size]
    left_out = [f"{g} (n = {n})" for g, n in sizes.items() if n < min_group_size]
    colours = sns.color_palette(PALETTE, len(groups))
    offsets = np.linspace(-0.25, 0.25, len(groups)) if len(groups) > 1 else np.zeros(len(groups))
    fig, ax = plt.subplots(figsize=(11, 5))
    for group, colour, offset in zip(groups, colours, offsets, strict=True):
        rows = by_group[by_group["group"] == group].set_index("construct").reindex(constructs)
        errors = np.vstack([rows["mean"] - rows["ci_lower"], rows["ci_upper"] - rows["mean"]])
        ax.errorbar(
            np.arange(len(constructs)) + offset,
            rows["mean"],
            yerr=errors,
            fmt="o",
            color=colour,
            capsize=4,
            markersize=7,
            label=f"{group} (n = {sizes[group]})",
        )
    abbreviations = _abbreviations()
    ax.set_xticks(np.arange(len(constructs)), [abbreviations.get(c, c) for c in constructs])
    ax.set_ylim(ins.LIKERT_MIN, ins.LIKERT_MAX)
    ax.set_ylabel("Mean score and 95% CI")
    characteristic = str(by_group["characteristic"].iloc[0]) if len(by_group) else ""
    ax.set_title(title or f"Construct scores by {characteristic.lower()}")
    ax.legend(title=characteristic, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    if left_out:
        fig.text(
            0.01,
            0.01,
            f"Not shown (fewer than {min_group_size} firms): " + ", ".join(left_out),
            fontsize=9,
        )
    fig.tight_layout()
    return fig


def qq_figure(scores: pd.DataFrame, columns: int = 3) -> Figure:
    """Normal Q-Q plots, one panel per construct score, with the line of a normal distribution
    with the score's own mean and SD (``diagnostics.qq_data``)."""
    from helpers.diagnostics import qq_data  # here, so importing figures stays light

    points = qq_data(scores)
    keys = list(scores.columns)
    rows = int(np.ceil(len(keys) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.6 * rows), squeeze=False)
    abbreviations = _abbreviations()
    for ax, key in zip(axes.flat, keys, strict=False):
        panel = points[points["construct"] == key]
        ax.scatter(panel["theoretical_quantile"], panel["observed"], s=14, alpha=0.6)
        ax.plot(panel["theoretical_quantile"], panel["reference"], color="black", linewidth=1.2)
        ax.set_title(abbreviations.get(key, key))
        ax.set_xlabel("Normal quantile")
        ax.set_ylabel("Score")
    for ax in axes.flat[len(keys) :]:
        ax.remove()
    fig.suptitle("Normal Q-Q plots of the construct scores", fontweight="bold")
    fig.tight_layout()
    return fig


def correlation_heatmap(corr: pd.DataFrame, p_values: pd.DataFrame | None = None) -> Figure:
    """Lower triangle of a correlation matrix (``diagnostics.correlation_matrix``), annotated
    with r; with ``p_values``, stars mark * p < .05, ** p < .01, *** p < .001."""
    abbreviations = _abbreviations()
    lower = corr.iloc[1:, :-1]  # the first row and last column of a lower triangle are empty
    mask = np.triu(np.ones(lower.shape, dtype=bool), k=1)
    annotations = lower.map(lambda r: f"{r:.2f}")
    if p_values is not None:
        stars = p_values.loc[lower.index, lower.columns].map(
            lambda p: "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
        )
        annotations = annotations + stars
    fig, ax = plt.subplots(figsize=(7.5, 6))
    sns.heatmap(
        lower,
        mask=mask,
        annot=annotations.to_numpy(),
        fmt="",
        cmap="vlag",
        vmin=-1,
        vmax=1,
        # no center=: with vmin = -vmax it is implied, and seaborn would call the deprecated set_bad
        square=True,
        linewidths=0.5,
        ax=ax,
        cbar_kws={"label": "Pearson r", "shrink": 0.8},
        xticklabels=[abbreviations.get(c, c) for c in lower.columns],
        yticklabels=[abbreviations.get(c, c) for c in lower.index],
    )
    ax.tick_params(axis="y", rotation=0)
    ax.grid(False)  # the theme's grid would show through the masked upper triangle
    ax.set_title("Correlations of the construct scores")
    fig.tight_layout()
    return fig
