"""Lesson 02's sentences: Table 1 against the published counts, platform use, the Likert items,
the construct scores, the firm-size comparison and the sample's profile."""

from __future__ import annotations

import pandas as pd

from helpers import instrument as ins
from helpers.descriptives import agreement_comparison, round_half_up
from helpers.statements import ALPHA, listing, p_text
from helpers.survey import SurveySource

PAPER_FIRMS = 190
MIN_GROUP_SIZE = 5  # descriptives.group_difference_tests leaves smaller groups out
UNEQUAL = 1.5  # groups this many times larger than the other are "very unequal" for Welch's test


def _label(key: str) -> str:
    return ins.construct_labels()[key]


def table1_comparison(comparison: pd.DataFrame, source: SurveySource) -> str:
    """How the survey's Table 1 counts and percentages compare with the published ones."""
    same = comparison["frequency_reproduced"] == comparison["frequency_published"]
    if same.all():
        counts = (
            "The frequency columns agree in every row, because the synthetic data were built from Table 1's counts."
            if source.shipped
            else "The frequency columns agree in every row: this survey has exactly the paper's counts."
        )
    else:
        counts = f"The frequency columns agree in {int(same.sum())} of {len(comparison)} rows."
        if source.n_firms != PAPER_FIRMS:
            counts += f" This survey has {source.n_firms} firms and the paper {PAPER_FIRMS}, so compare the percentages rather than the counts."
    off = comparison[
        (round_half_up(comparison["percentage_reproduced"]) != comparison["percentage_published"])
        & ~comparison["published_percentage_mismatch"]
    ]
    if off.empty:
        percentages = "The percentage differences are only rounding."
    else:
        worst = off.loc[(off["percentage_reproduced"] - off["percentage_published"]).abs().idxmax()]
        percentages = f"The percentages differ by more than rounding in {len(off)} of {len(comparison)} rows; the largest gap is {worst['category']} ({worst['characteristic']}): {worst['percentage_published']:.0f} % in the paper, {_percent(worst['percentage_reproduced'], 1)} % here."
    return f"{counts} {percentages}"


def platform_sources(source: SurveySource) -> str:
    """Which platform shares are the paper's and which are not."""
    if source.shipped:
        return "In the synthetic data, every other share is the kit's assumption. The table and the figure keep the two kinds apart."
    return "In your survey every share is measured; the `share_reported_in_paper` column says which of them the paper can be compared with."


def figure1_reading(source: SurveySource) -> str:
    """How to read Figure 1's bars and ticks."""
    if source.shipped:
        return "Solid bars show shares that the paper states, and the black tick marks each published value. Hatched, lighter bars show assumed shares, so do not read them as findings."
    return f"Every bar is a share measured in your survey. The black ticks mark the three values the paper states, for its own {PAPER_FIRMS} firms."


def _percent(x: float, digits: int = 0) -> str:
    """A percentage rounded half up (72.5 -> '73'), as this lesson teaches; Python's format
    rounds halves to even (72.5 -> '72')."""
    return f"{float(round_half_up(x, digits)):.{digits}f}"


TWO_SE = 2  # a difference within about two standard errors counts as "similar"


def agreement(survey: pd.DataFrame, platform_use: pd.DataFrame) -> str:
    """Do trade and logistics lean less, about as much or more towards agreement than the
    networking items? Shares of agreeing answers, and a paired comparison: a difference within
    about two standard errors (``descriptives.agreement_comparison``) counts as similar."""
    table = agreement_comparison(
        survey, "partnership_collaboration", ["international_trade", "global_logistics"]
    ).set_index("construct")
    networking = table.loc["partnership_collaboration", "share"]
    others = table.drop(index="partnership_collaboration")

    def lean(row) -> str:
        if abs(row["difference"]) < TWO_SE * row["se"]:
            return "about as much as"
        return "less than" if row["difference"] < 0 else "more than"

    leans = {key: lean(row) for key, row in others.iterrows()}
    shares = (
        f"Averaged over the statements as worded (reverse-worded ones left out), {_percent(networking)} % of "
        f"the answers agree (4 or 5) with the networking statements, "
        f"{_percent(others.loc['international_trade', 'share'])} % with International Trade and "
        f"{_percent(others.loc['global_logistics', 'share'])} % with Global Logistics."
    )
    if len(set(leans.values())) == 1:
        verdict = f"So International Trade and Global Logistics lean {leans['international_trade']} the networking items towards agreement"
    else:
        verdict = (
            f"So International Trade leans {leans['international_trade']} the networking items towards "
            f"agreement, and Global Logistics {leans['global_logistics']} them"
        )
    website = platform_use.set_index("platform").loc["Website", "percentage"]
    if set(leans.values()) == {"less than"} and website == 100:
        verdict += ", which fits a sample in which every firm has a website but fewer trade abroad"
    rule = (
        ' (a gap smaller than about two standard errors of the firm-by-firm difference counts as "about '
        'as much": chance alone easily makes gaps that small).'
    )
    return f"{shares} {verdict}{rule}"


def _shape(values: pd.Series, name: str, negative: str, positive: str, slight: float) -> str:
    if values.between(-slight, 0, inclusive="neither").all():
        return f"{name} is slightly negative ({negative})"
    large = values[values.abs() >= 1]
    if len(large):
        return f"{name} is large for {len(large)} of {len(values)} constructs (from {values.min():.2f} to {values.max():.2f})"
    if (values < 0).all():
        return f"{name} is negative ({negative})"
    if (values > 0).all():
        return f"{name} is positive ({positive})"
    return f"{name} is close to 0 but of mixed sign ({values.min():.2f} to {values.max():.2f})"


def _range(values: pd.Series, boundary: float) -> str:
    """'2.91 to 2.996': two decimals, or more where two would print a value on the wrong side of
    ``boundary`` (2.996 is below 3 but prints as 3.00)."""
    low, high = values.min(), values.max()
    for digits in (2, 3, 4):
        texts = [f"{x:.{digits}f}" for x in (low, high)]
        if all(
            (float(t) < boundary) == (x < boundary) and float(t) != boundary
            for t, x in zip(texts, (low, high))
        ):
            break
    return f"{texts[0]} to {texts[1]}"


def construct_shape(construct_summary: pd.DataFrame) -> str:
    """Where the construct scores lie on the 1–5 scale, how spread, how skewed and peaked."""
    means, sds = construct_summary["mean"], construct_summary["sd"]
    if means.between(3, 3.5, inclusive="neither").all():
        location = "Means lie a little above the neutral 3"
    elif (means > 3.5).all():
        location = f"Means lie well above the neutral 3 ({_range(means, 3.5)})"
    elif (means < 3).all():
        location = f"Means lie below the neutral 3 ({_range(means, 3)})"
    else:
        location = f"Means lie around the neutral 3 ({means.min():.2f} to {means.max():.2f})"
    spread = (
        "SDs are close to 0.9"
        if sds.between(0.85, 0.95).all()
        else f"SDs run from {sds.min():.2f} to {sds.max():.2f}"
    )
    skewness = _shape(
        construct_summary["skewness"],
        "Skewness",
        "a longer tail towards disagreement",
        "a longer tail towards agreement",
        0.5,
    )
    kurtosis = _shape(
        construct_summary["kurtosis"],
        "kurtosis",
        "flatter than a normal curve, as bounded scales usually are",
        "more peaked, with heavier tails, than a normal curve",
        1.0,
    )
    if skewness.startswith("Skewness is slightly negative") and kurtosis.startswith(
        "kurtosis is slightly negative"
    ):
        shape = "Skewness is slightly negative (a longer tail towards disagreement), and kurtosis slightly negative too (flatter than a normal curve, as bounded scales usually are)."
    else:
        shape = f"{skewness}, and {kurtosis}."
    return f"{location} and {spread} on the 1–5 scale. {shape}"


def _size_counts(table1: pd.DataFrame) -> pd.Series:
    return table1[table1["characteristic"] == "Firm Size"].set_index("category")["frequency"]


def group_sizes(table1: pd.DataFrame) -> str:
    """How many small and medium-sized firms there are, and whether they can be compared."""
    sizes = _size_counts(table1)
    text = f"Here the groups have {sizes['Small']} and {sizes['Medium']} firms."
    if sizes.min() < MIN_GROUP_SIZE:
        text += f" With fewer than {MIN_GROUP_SIZE} firms in a group the helper runs no test at all: its mean would be too unstable to compare."
    elif sizes.max() >= UNEQUAL * sizes.min():
        text += " The groups are very unequal in size, the case in which Welch's test matters."
    else:
        text += " The groups are of similar size, so Welch's and Student's t-tests will differ little."
    return text


def _effect_word(d: float) -> str:
    return "negligible" if d < 0.2 else "small" if d < 0.5 else "medium" if d < 0.8 else "large"


def size_differences(size_tests: pd.DataFrame, table1: pd.DataFrame, source: SurveySource) -> str:
    """What the Welch t-tests by firm size found (statistic = small minus medium)."""
    medium = int(_size_counts(table1)["Medium"])
    if size_tests["p"].isna().all():
        text = f"With only {medium} medium-sized firms no test was run: the group is too small to compare (see the `test` column)."
    else:
        significant = size_tests[size_tests["p"] < ALPHA].sort_values("effect_size", ascending=False)
        if significant.empty:
            best = size_tests.loc[size_tests["p"].idxmin()]
            text = f"In these data no construct differs between small and medium-sized firms at p < .05; the smallest p is for {_label(best['construct']).lower()} ({p_text(best['p'])}, Cohen's d = {best['effect_size']:.2f})."
        else:

            def direction(row) -> str:
                return "more" if row["statistic"] < 0 else "less"

            top = significant.iloc[0]
            text = f"In these data the medium-sized firms report {direction(top)} {_label(top['construct']).lower()}, a {_effect_word(top['effect_size'])} difference (Cohen's d about {top['effect_size']:.1g}) even with only {medium} of them."
            others = [
                f"{_label(row['construct']).lower()} ({direction(row)} for medium-sized firms, d = {row['effect_size']:.2f}, {p_text(row['p'])})"
                for _, row in significant.iloc[1:].iterrows()
            ]
            if others:
                text += f" Also below .05: {listing(others)}."
    if size_tests["p"].isna().all():
        return text
    if source.shipped:
        text += " Remember that the data are synthetic: the generator builds in a mild link between firm size and trade (see `data/README.md`), so this exercise teaches the method, not a fact about Kerala."
    else:
        text += f" With {medium} medium-sized firms, read any difference as a lead to follow up in a larger sample, not as a finding."
    return text


def tests_repeated(size_tests: pd.DataFrame) -> str:
    """Which of the helper's group tests the standard (scipy) call repeats: only those it ran."""
    ran = int(size_tests["p"].notna().sum())
    if ran == 0:
        return (
            f"The helper ran no test here (fewer than two groups have at least {MIN_GROUP_SIZE} firms), so "
            "the scipy call below has nothing to repeat and compares no value, and the rank-based "
            "cross-check after it shows an empty table. On a survey with enough firms in each group "
            "they repeat every test the helper ran."
        )
    if ran == len(size_tests):
        return f"The helper ran all {ran} tests, so the scipy call below repeats each of them."
    return f"The helper ran {ran} of the {len(size_tests)} tests (the rows with a p-value); the scipy call below repeats exactly those."


def published_verdicts(comparison: pd.DataFrame, platform_use: pd.DataFrame, source: SurveySource) -> str:
    """The lesson's table: each published item and how this survey compares."""
    same = comparison["frequency_reproduced"] == comparison["frequency_published"]
    if same.all():
        counts = f"all {len(comparison)} equal" + (
            " (by construction of the synthetic data)" if source.shipped else ""
        )
    else:
        counts = f"{int(same.sum())} of {len(comparison)} equal" + (
            f" (this survey has {source.n_firms} firms)" if source.n_firms != PAPER_FIRMS else ""
        )
    rounded_equal = round_half_up(comparison["percentage_reproduced"]) == comparison["percentage_published"]
    misprinted = comparison[comparison["published_percentage_mismatch"]]
    note = "".join(
        f", except {row.category}: the paper prints {row.percentage_published:.0f} where its own count gives {round_half_up(row.percentage_from_published_count):.0f}"
        for row in misprinted.itertuples()
    )
    others_equal = rounded_equal[~comparison["published_percentage_mismatch"]].all()
    if others_equal:
        percentages = f"equal after rounding{note}"
    else:
        misprint = "".join(
            f"; the paper's own misprint is {row.category} ({row.percentage_published:.0f} where its count gives {round_half_up(row.percentage_from_published_count):.0f})"
            for row in misprinted.itertuples()
        )
        percentages = f"{int(rounded_equal.sum())} of {len(comparison)} equal after rounding{misprint}"
    stated = platform_use[platform_use["share_reported_in_paper"]]
    stated_equal = round_half_up(stated["percentage"]) == stated["published_percentage"]
    names = ", ".join("website" if p == "Website" else p for p in stated["platform"])
    if stated_equal.all():
        shares = f"equal after rounding ({names})"
    else:
        shares = "; ".join(
            f"{p}: {_percent(x)} % here, {q:.0f} % in the paper"
            for p, x, q in zip(stated["platform"], stated["percentage"], stated["published_percentage"])
        )
    other = (
        "not reported in the paper; assumed"
        if source.shipped
        else "not reported in the paper; measured in this survey"
    )
    rows = [
        ("Table 1 counts", counts),
        ("Table 1 percentages", percentages),
        ("Figure 1 shares stated in the text", shares),
        ("other platform shares", other),
    ]
    return "\n".join(["| item | verdict |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)])


def sample_profile(table1: pd.DataFrame, platform_use: pd.DataFrame) -> str:
    """Who the firms are, and whether platform use separates them."""
    share = table1.set_index(["characteristic", "category"])["percentage"]
    nature = share["Nature of Business"]
    typical = (
        share[("Firm Size", "Small")] > 50
        and share[("Type of Business", "Proprietary/ OMC")] > 50
        and nature[["Manufacturing", "Processing", "Trading"]].sum() > 50
    )
    if typical:
        who = "The sample is dominated by small proprietary firms in manufacturing, processing and trading"
    else:
        modal = {c: share[c].idxmax() for c in ("Firm Size", "Type of Business", "Nature of Business")}
        who = f"The most common firm here is {modal['Firm Size'].lower()}, of type {modal['Type of Business']}, in {modal['Nature of Business'].lower()}"
    young = share["Age of Business"].iloc[:2].sum()
    age = (
        "most of them are young: more than half have operated for less than six years"
        if young > 50
        else f"{_percent(young)} % of them have operated for less than six years"
    )
    use = platform_use.set_index("platform")["percentage"]
    common = use[use >= 90]
    if use["Website"] == 100 and {"WhatsApp", "Facebook"} <= set(common.index):
        platforms = 'Every firm has a website and almost every firm uses WhatsApp and Facebook, so "uses digital platforms" barely separates one firm from another. What varies is *how* firms use platforms, and that is what the Likert constructs try to measure.'
    elif common.empty:
        platforms = f"No platform is used by almost every firm: shares run from {_percent(use.min())} % ({use.idxmin()}) to {_percent(use.max())} % ({use.idxmax()}), so whether a firm uses a platform already separates firms, beside *how* it uses them, which the Likert constructs try to measure."
    else:
        verb = "is" if len(common) == 1 else "are"
        platforms = f"{listing(common.index)} {verb} used by at least 90 % of firms, so {'it barely separates' if len(common) == 1 else 'they barely separate'} one firm from another; what varies is *how* firms use platforms, which the Likert constructs try to measure."
    return f"{who}, and {age}. {platforms}"
