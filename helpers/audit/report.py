"""The audit as a whole: the numbers it audits (the paper's, or ours rounded like them), every check
run on them, and the views of the report the lesson shows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from helpers import paper_model, paper_tables, published
from helpers.audit.fit_checks import (
    check_df_search,
    check_incremental_indices,
    check_information_criteria,
    check_model_degrees_of_freedom,
    check_model_test_pvalue,
    check_rmsea,
)
from helpers.audit.path_checks import check_table5, expected_mark
from helpers.audit.percentages import check_percentages, check_platform_percentages
from helpers.audit.printed import COLUMNS, CONSISTENT, DEFAULT_ALPHA, VERDICTS, Check, Reported, has
from helpers.audit.relations import check_index_relations
from helpers.audit.text_checks import check_text_claims, text_claims

# Published measure names -> the kit's names (lavaan's fitMeasures names, "_" for "."),
# defined once in paper_tables.
TABLE3_NAMES = paper_tables.TABLE3_MEASURES
TABLE4_NAMES = paper_tables.TABLE4_MEASURES
LAVAAN_ALIASES = {"bic2": "sabic", "logl": "loglik", "ntotal": "n"}
FIT_KEYS = (
    "chisq",
    "df",
    "pvalue",
    "baseline_chisq",
    "baseline_df",
    "baseline_pvalue",
    *TABLE3_NAMES.values(),
    *TABLE4_NAMES.values(),
)


# --- the numbers audited --------------------------------------------------------------------------


def published_values() -> dict[str, Any]:
    """Every published number the audit uses, in the layout ``audit`` takes.

    Fit measures are ``Reported`` (value, decimals counted from the printed text, source). In
    Table 5 a column's precision is that of its longest entry (a β printed "0.2" is read as 0.20,
    like the rest of its column).
    """
    decimals = published.printed_decimals
    values: dict[str, Any] = {"n": int(published.fact("n_firms"))}
    table2 = published.as_printed("table2_model_tests").set_index("model")
    for prefix, row in (("", "User Model"), ("baseline_", "Baseline Model")):
        r = table2.loc[row]
        values[f"{prefix}chisq"] = Reported(float(r["chi_square"]), decimals(r["chi_square"]), r["source"])
        values[f"{prefix}df"] = Reported(float(r["df"]), 0, r["source"])
        values[f"{prefix}pvalue"] = Reported(float(r["p"]), decimals(r["p"]), r["source"])
    for name, names in (("table3_fit_indices", TABLE3_NAMES), ("table4_fit_indices", TABLE4_NAMES)):
        for r in published.as_printed(name).itertuples():
            values[names[r.measure]] = Reported(float(r.value), decimals(r.value), r.source)
    printed5 = published.as_printed("table5_paths")
    paths = published.table5().rename(columns={"p_value": "p"})
    paths["beta_decimals"] = max(decimals(x) for x in printed5["beta"])
    paths["p_decimals"] = max(decimals(x) for x in printed5["p_value"])
    values["paths"] = paths[
        ["hypothesis", "beta", "beta_decimals", "p", "p_decimals", "mark", "decision", "source"]
    ]
    legend = published.table5_legend()
    values["legend"] = dict(zip(legend["mark"], legend["threshold"]))
    values["legend_source"] = "; ".join(legend["source"])
    values["table1"] = published.table1()
    values["platforms"] = published.platform_use()
    values["text"] = text_claims()
    return values


def published_decimals() -> dict[str, int]:
    """How many decimals the paper prints for each fit measure, for β and for a path's p."""
    values = published_values()
    decimals = {k: v.decimals for k, v in values.items() if isinstance(v, Reported)}
    decimals["beta"] = int(values["paths"]["beta_decimals"].iloc[0])
    decimals["p"] = int(values["paths"]["p_decimals"].iloc[0])
    return decimals


def values_like_published(
    measures: Mapping[str, float],
    paths: pd.DataFrame | None = None,
    n: int | None = None,
    legend: Mapping[str, float] | None = None,
    text: Mapping[str, Any] | None = None,
    source: str = "our fit",
) -> dict[str, Any]:
    """Our own numbers, rounded as the paper prints them, in the layout ``audit`` takes.

    ``measures``: fit measures under the kit's names (a fit's ``fit_measures()``, e.g. of
    ``helpers.paper_model.fit``) or lavaan's (``baseline.chisq``, ``bic2``, ``ntotal``, ...).
    ``paths``: columns hypothesis, beta, p (e.g. ``helpers.paper_tables.table5_paths``). Every
    path gets the decision p < alpha (the text's largest level, else .05) and, with a ``legend``,
    the mark the legend prescribes.
    """
    decimals = published_decimals()
    clean = {LAVAAN_ALIASES.get(k, k.replace(".", "_")): float(v) for k, v in measures.items()}
    values: dict[str, Any] = {"n": int(n if n is not None else clean["n"])}
    for key in FIT_KEYS:
        if key in clean:
            values[key] = Reported(round(clean[key], decimals[key]) + 0.0, decimals[key], source)
    if paths is not None:
        table = pd.DataFrame(
            {
                "hypothesis": list(paths["hypothesis"]),
                "beta": paths["beta"].round(decimals["beta"]).to_numpy() + 0.0,
                "beta_decimals": decimals["beta"],
                "p": paths["p"].round(decimals["p"]).to_numpy() + 0.0,
                "p_decimals": decimals["p"],
                "source": source,
            }
        )
        alpha = max(text["thresholds"]) if text and text.get("thresholds") else DEFAULT_ALPHA
        table["decision"] = np.where(table["p"] < alpha, "Supported", "Not supported")
        if legend is not None:
            table["mark"] = [expected_mark(p, legend) for p in table["p"]]
            values["legend"] = dict(legend)
        values["paths"] = table
    if text is not None:
        values["text"] = dict(text)
    return values


# --- the audit ---------------------------------------------------------------------------------------


def audit(values: Mapping[str, Any]) -> pd.DataFrame:
    """Run every check the given numbers allow: one row per check, columns ``COLUMNS``.

    ``values`` holds ``n`` and any of: the fit measures of ``FIT_KEYS`` as ``Reported``;
    ``paths`` (hypothesis, beta, beta_decimals, p, p_decimals, source, optionally mark and
    decision); ``legend`` (mark -> threshold) and ``legend_source``; ``table1`` and
    ``platforms`` (as ``helpers.published`` returns them); ``text`` (as ``text_claims``);
    ``alpha`` (default: the largest level the text names, else .05); ``n_observed`` (default:
    Figure 2's). Checks whose inputs are missing are skipped.
    """
    v, n = values, int(values["n"])
    text = v.get("text") or {}
    alpha = v.get("alpha") or (max(text["thresholds"]) if text.get("thresholds") else DEFAULT_ALPHA)
    rows: list[Check] = []
    for label, prefix in (("User Model", ""), ("Baseline Model", "baseline_")):
        chisq, df, p = (v.get(f"{prefix}{key}") for key in ("chisq", "df", "pvalue"))
        if has(v, f"{prefix}chisq", f"{prefix}df", f"{prefix}pvalue"):
            rows.append(check_model_test_pvalue(label, chisq, df, p, alpha, decides=not prefix))
    if has(v, "df", "baseline_df"):
        rows += check_model_degrees_of_freedom(v["df"], v["baseline_df"])
    if has(v, "chisq", "df", "pvalue"):
        rows.append(check_df_search("User Model", v["chisq"], v["df"], n, v["pvalue"], v.get("rmsea")))
    if has(v, "baseline_chisq", "baseline_df", "baseline_pvalue"):
        rows.append(
            check_df_search("Baseline Model", v["baseline_chisq"], v["baseline_df"], n, v["baseline_pvalue"])
        )
    if has(v, "chisq", "df"):
        rows += check_rmsea(v["chisq"], v["df"], n, v, alpha)
    if has(v, "chisq", "df", "baseline_chisq", "baseline_df"):
        rows += check_incremental_indices(v["chisq"], v["df"], v["baseline_chisq"], v["baseline_df"], v)
    rows += check_index_relations(v, int(v.get("n_observed", len(paper_model.VARIABLES))))
    if has(v, "aic", "bic", "sabic"):
        counts = paper_model.degrees_of_freedom_table()["free parameters"].to_dict()
        rows += check_information_criteria(v["aic"], v["bic"], v["sabic"], n, counts)
    if v.get("paths") is not None:
        rows += check_table5(v, n, alpha)
    if v.get("table1") is not None:
        rows += check_percentages(v["table1"], n)
    if v.get("platforms") is not None:
        rows += check_platform_percentages(v["platforms"], n)
    if text:
        rows += check_text_claims(v, alpha)
    return pd.DataFrame([asdict(r) for r in rows], columns=list(COLUMNS)).set_index("check")


def audit_published_values() -> pd.DataFrame:
    """The whole audit on the paper's published numbers."""
    return audit(published_values())


# --- views of the report -------------------------------------------------------------------------


def section(report: pd.DataFrame, topic: str) -> pd.DataFrame:
    """The rows of one topic with the columns a reader needs first (for the notebook)."""
    return report.loc[report["topic"] == topic, ["item", "published", "implied", "verdict", "explanation"]]


def verdict_summary(report: pd.DataFrame) -> pd.DataFrame:
    """How many checks of each topic ended with each verdict (topics in audit order)."""
    topics = pd.Categorical(report["topic"], categories=list(dict.fromkeys(report["topic"])))
    verdicts = pd.Categorical(report["verdict"], categories=VERDICTS)
    table = pd.crosstab(topics, verdicts, margins=True, margins_name="total", dropna=False)
    table.index.name, table.columns.name = "topic", "verdict"
    return table


def verdict_counts(report: pd.DataFrame) -> pd.Series:
    """How many checks ended with each verdict, in ``VERDICTS`` order (zeros included)."""
    counts = report["verdict"].value_counts()
    return pd.Series(
        [int(counts.get(v, 0)) for v in VERDICTS], index=pd.Index(VERDICTS, name="verdict"), name="checks"
    )


def flagged(report: pd.DataFrame) -> pd.DataFrame:
    """The checks that did not end 'consistent'."""
    return report.loc[report["verdict"] != CONSISTENT, ["item", "published", "implied", "verdict"]]
