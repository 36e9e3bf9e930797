"""The paper's Tables 2-5 laid out from a fit of its model, and put beside the published numbers.

``table2_model_tests`` ... ``table5_paths`` take a fit of the paper's model
(``helpers.paper_model.fit``) and lay its numbers out like the paper's tables;
``compare_with_published`` puts every published number of Tables 2-5 beside the reproduced one,
with the difference and a verdict at the precision the paper prints.
"""

from __future__ import annotations

import pandas as pd

from helpers import paper_model, published
from helpers.sem.fit_measures import LAVAAN_NAMES

ALPHA = 0.05
# Published measure name (data/published) -> the kit's fit measure name.
TABLE3_MEASURES = {
    "aic": "aic",
    "bic": "bic",
    "adjusted_bic": "sabic",
    "srmr": "srmr",
    "rmsea": "rmsea",
    "rmsea_ci_lower": "rmsea_ci_lower",
    "rmsea_ci_upper": "rmsea_ci_upper",
    "rmsea_p": "rmsea_pvalue",
}
TABLE4_MEASURES = {"cfi": "cfi", "tli": "tli", "rni": "rni", "gfi": "gfi", "adjusted_gfi": "agfi"}

MATCHES = "matches at reported precision"
DIFFERS = "differs"


def table2_model_tests(fit) -> pd.DataFrame:
    """Table 2: chi-square, df and p of the user model and the baseline model."""
    return fit.model_tests().rename(columns={"chisq": "chi_square", "pvalue": "p"})


def table3_fit_indices(fit) -> pd.DataFrame:
    """Table 3: AIC, BIC, adjusted BIC, SRMR, RMSEA, its CI and p, in the paper's order.

    The RMSEA interval is lavaan's (and jamovi's) 90% interval; the paper's heading says 95%.
    """
    return _fit_index_table(fit, published.table3(), TABLE3_MEASURES)


def table4_fit_indices(fit) -> pd.DataFrame:
    """Table 4: CFI, TLI, RNI, GFI and adjusted GFI (lavaan's GFI/AGFI), in the paper's order."""
    return _fit_index_table(fit, published.table4(), TABLE4_MEASURES)


def _fit_index_table(fit, paper: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    measures = fit.fit_measures()
    rows = [
        {"measure": m, "lavaan_name": LAVAAN_NAMES[names[m]], "value": measures[names[m]]}
        for m in paper["measure"]
    ]
    return pd.DataFrame(rows)


def table5_paths(fit, alpha: float = ALPHA) -> pd.DataFrame:
    """Table 5: each hypothesis with its standardized path (β = lavaan's std.all), p, decision.

    Each hypothesis predicts a positive effect, so it is "Supported" when its path is positive
    and its two-sided p is below ``alpha`` (.05); a significant negative path is "Not supported
    (opposite sign)".
    """
    estimates = fit.parameter_estimates()
    regressions = estimates[estimates["op"] == "~"].set_index(["rhs", "lhs"])
    rows = []
    for hypothesis in paper_model.HYPOTHESES:
        path = regressions.loc[(hypothesis.predictor, hypothesis.outcome)]
        rows.append(
            {
                "hypothesis": hypothesis.code,
                "path": hypothesis.short_path,
                "predictor": hypothesis.predictor,
                "outcome": hypothesis.outcome,
                "beta": path["std_all"],
                "b": path["est"],
                "se": path["se"],
                "p": path["pvalue"],
                "decision": decision(path["std_all"], path["pvalue"], alpha),
            }
        )
    return pd.DataFrame(rows)


def decision(beta: float, p: float, alpha: float = ALPHA) -> str:
    """The decision on a hypothesis of a positive effect, from its path's β and p."""
    if p >= alpha:
        return "Not supported"
    return "Supported" if beta > 0 else "Not supported (opposite sign)"


def compare_with_published(fit) -> pd.DataFrame:
    """Every number of Tables 2-5 beside the published one, with difference and verdict.

    The verdict is "matches at reported precision" when the reproduced number, rounded to as
    many decimals as the paper prints, equals the published number; otherwise "differs".
    """
    parts = [
        ("Table 2", table2_model_tests(fit), published.table2(), "table2_model_tests", "model",
         {"chi_square": "chi_square", "df": "df", "p": "p"}),
        ("Table 3", table3_fit_indices(fit), published.table3(), "table3_fit_indices", "measure",
         {"value": "value"}),
        ("Table 4", table4_fit_indices(fit), published.table4(), "table4_fit_indices", "measure",
         {"value": "value"}),
        ("Table 5", table5_paths(fit), published.table5(), "table5_paths", "hypothesis",
         {"beta": "beta", "p": "p_value"}),
    ]  # fmt: skip
    table = pd.DataFrame([row for part in parts for row in _side_by_side(*part)])
    table["difference"] = table["reproduced"] - table["published"]
    table["verdict"] = [
        verdict(r, p, d) for r, p, d in table[["reproduced", "published", "decimals"]].itertuples(index=False)
    ]
    return table


def verdict(reproduced: float, published_value: float, decimals: int) -> str:
    """MATCHES if ``reproduced`` rounded to the paper's ``decimals`` is the published number."""
    same = abs(round(reproduced, decimals) - published_value) < 1e-9
    return MATCHES if same else DIFFERS


def _side_by_side(
    label: str, ours: pd.DataFrame, paper: pd.DataFrame, file: str, key: str, columns: dict[str, str]
) -> list[dict]:
    """One row per published number; ``columns`` maps our column to the published one."""
    ours, paper = ours.set_index(key), paper.set_index(key)
    printed = published.as_printed(file).set_index(key)
    rows = []
    for item in paper.index:
        for our_column, paper_column in columns.items():
            rows.append(
                {
                    "table": label,
                    "quantity": item if our_column == "value" else f"{item}: {our_column}",
                    "reproduced": float(ours.loc[item, our_column]),
                    "published": float(paper.loc[item, paper_column]),
                    "decimals": published.printed_decimals(printed.loc[item, paper_column]),
                }
            )
    return rows
