"""Table 1's percentages and the text's platform shares checked against the firms' counts and N."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.audit.printed import EPS, Check, Reported, overlaps, slug, source_range, verdict_for


def check_percentages(table1: pd.DataFrame, n: int) -> list[Check]:
    """Each printed percentage against 100·count/N; each characteristic's counts against N and its
    percentages against 100 (k whole percentages can move the sum by up to k/2)."""
    rows = [_percentage_row(r, n) for r in table1.itertuples()]
    for characteristic, group in table1.groupby("characteristic", sort=False):
        total, source = int(group["frequency"].sum()), source_range(group["source"])
        rows.append(
            Check(
                check=f"T1-n-{slug(characteristic)}",
                topic="percentages",
                item=f"Table 1, {characteristic}",
                what="the categories' counts add up to N",
                published=f"sum of counts = {total}",
                source=source,
                implied=f"N = {n}",
                tolerance="exact",
                verdict=verdict_for(total == n),
                explanation="each firm in one category" if total == n else f"{total - n:+d} firms against N",
            )
        )
        printed_sum = float(group["percentage"].sum())
        proper = sum(_round_half_up(100 * f / n) for f in group["frequency"])
        k = len(group)
        note = "" if proper == printed_sum else f"; the correctly rounded percentages sum to {proper}"
        rows.append(
            Check(
                check=f"T1-sum-{slug(characteristic)}",
                topic="percentages",
                item=f"Table 1, {characteristic}",
                what="the categories' percentages add up to 100 (± k/2 for rounding)",
                published=f"sum = {printed_sum:g}%",
                source=source,
                implied="100%",
                tolerance=f"±{k / 2:g} ({k} rounded percentages)",
                verdict=verdict_for(abs(printed_sum - 100) <= k / 2 + EPS),
                explanation=f"printed sum {printed_sum:g}%{note}",
            )
        )
    return rows


def _percentage_row(r: Any, n: int) -> Check:
    """One percentage against its count. Off by less than one point, it is a likely misprint (a
    slip in rounding, or a share adjusted so that the column adds up to 100); the count, printed
    beside it, fixes the share."""
    exact = 100 * r.frequency / n
    printed = Reported(float(r.percentage), 0, r.source)
    ok = overlaps(printed.interval(), (exact, exact))
    slip = abs(float(r.percentage) - exact) < 1
    return Check(
        check=f"T1-pct-{slug(r.characteristic)}-{slug(r.category)}",
        topic="percentages",
        item=f"Table 1, {r.characteristic}: {r.category}",
        what="percentage = 100·count/N",
        published=f"{r.percentage:g}% ({r.frequency} firms)",
        source=r.source,
        implied=f"{exact:.2f}%",
        tolerance=printed.tolerance,
        verdict=verdict_for(ok, misprint=slip),
        explanation=f"{r.frequency}/{n} = {exact:.2f}%, printed as {_round_half_up(exact)}"
        if ok
        else f"{r.frequency}/{n} = {exact:.2f}% rounds to {_round_half_up(exact)}, not {r.percentage:g}",
    )


def _round_half_up(x: float) -> int:
    # how a paper rounds a percentage by hand (Python's round() rounds halves to even)
    return int(np.floor(x + 0.5))


def check_platform_percentages(platforms: pd.DataFrame, n: int) -> list[Check]:
    """Each platform share the text states: does a whole number of the N firms round to it (a
    GRIM-style test; Brown & Heathers 2017)? With N ≥ 100 every whole percentage is reachable, so
    the test only catches impossible shares (e.g. above 100%)."""
    rows = []
    for r in platforms.dropna(subset=["percentage"]).itertuples():
        counts = [c for c in range(n + 1) if _round_half_up(100 * c / n) == r.percentage]
        shown = "no count" if not counts else f"{counts[0]}" + (f"-{counts[-1]}" if len(counts) > 1 else "")
        rows.append(
            Check(
                check=f"F1-pct-{slug(r.platform)}",
                topic="percentages",
                item=f"Figure 1 text, {r.platform}",
                what="a whole number of the N firms gives the stated share",
                published=f"{r.percentage:g}%",
                source=r.source,
                implied=f"{shown} of {n} firms",
                tolerance="±0.5 (whole percentages)",
                verdict=verdict_for(bool(counts)),
                explanation=f"{shown} firms give {r.percentage:g}%" if counts else "no count gives it",
            )
        )
    return rows
