"""The paper's published numbers, kept as data in ``data/published`` with their source.

Notebooks compare reproduced values against these tables; no published number is typed into
code. Each reader returns the file as a DataFrame with its ``source`` column (table, row, column).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from helpers import settings


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(settings.PUBLISHED_DIR / f"{name}.csv", keep_default_na=False, na_values=[""])


@cache
def _read_text(name: str) -> pd.DataFrame:
    return pd.read_csv(settings.PUBLISHED_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def as_printed(name: str) -> pd.DataFrame:
    """A published table exactly as printed, every cell as text.

    A number forgets its trailing zeros ("0.000" becomes 0.0), so whoever needs the precision
    the paper printed (to judge a match at that precision) counts decimals here.
    ``name`` is the file name without ``.csv``, e.g. ``"table5_paths"``.
    """
    return _read_text(name).copy()


def printed_decimals(text: str) -> int:
    """How many decimals a printed number has: ``"0.000"`` -> 3, ``"14"`` -> 0."""
    return len(text.partition(".")[2])


def table1() -> pd.DataFrame:
    """Table 1, firm characteristics: characteristic, category, frequency, percentage."""
    return _read("table1_firm_characteristics").copy()


def platform_use() -> pd.DataFrame:
    """The platform shares the text on Figure 1 states (NaN where it gives none)."""
    return _read("platform_use").copy()


def table2() -> pd.DataFrame:
    """Table 2, model tests: chi-square, df and p of the user and baseline models."""
    return _read("table2_model_tests").copy()


def table3() -> pd.DataFrame:
    """Table 3, fit indices: AIC, BIC, adjusted BIC, SRMR, RMSEA with its CI and p."""
    return _read("table3_fit_indices").copy()


def table4() -> pd.DataFrame:
    """Table 4, fit indices: CFI, TLI, RNI, GFI, adjusted GFI."""
    return _read("table4_fit_indices").copy()


def table5() -> pd.DataFrame:
    """Table 5, path coefficients: hypothesis, predictor, outcome, beta, p, mark, decision."""
    return _read("table5_paths").copy()


def table5_legend() -> pd.DataFrame:
    """Table 5's note: which significance mark stands for which p threshold."""
    return _read("table5_significance_legend").copy()


def study_facts() -> pd.DataFrame:
    """Facts stated in the text (sample size, software, claims about diagnostics)."""
    return _read("study_facts").copy()


def fact(name: str) -> str:
    facts = study_facts().set_index("fact")["value"]
    return str(facts[name])
