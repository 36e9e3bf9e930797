"""What the tests against R lavaan's fixtures share: a parameter's identity and the row-by-row
comparison of a parameter table with lavaan's ``parameterEstimates()``."""

from __future__ import annotations

import math

import pandas as pd
import pytest

TOLERANCE = 1e-4
PARAMETER_COLUMNS = ["est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_all"]


def parameter_key(lhs: str, op: str, rhs: str) -> tuple[str, str, str]:
    """A parameter's identity; a covariance is the same whichever variable is named first."""
    if op == "~~":
        lhs, rhs = sorted((lhs, rhs))
    return (op, lhs, rhs)


def assert_estimates_equal(ours: pd.DataFrame, theirs: list[dict], where: str = "", **tolerance) -> None:
    """The kit's ``parameter_estimates()`` has lavaan's rows, no more, no fewer, and every column of
    ``PARAMETER_COLUMNS`` equal within ``tolerance`` (``pytest.approx``'s; absolute 1e-4 by
    default); where lavaan has no value (z and p of a fixed parameter) the kit has NaN."""
    tolerance = tolerance or {"abs": TOLERANCE}
    ours = ours.set_axis([parameter_key(*row) for row in ours[["lhs", "op", "rhs"]].itertuples(index=False)])
    assert sorted(ours.index) == sorted(parameter_key(r["lhs"], r["op"], r["rhs"]) for r in theirs)
    for row in theirs:
        mine = ours.loc[[parameter_key(row["lhs"], row["op"], row["rhs"])]].iloc[0]
        for column in PARAMETER_COLUMNS:
            place = f"{where}{row['lhs']} {row['op']} {row['rhs']}, {column}"
            if row[column] is None:
                assert math.isnan(mine[column]), place
            else:
                assert mine[column] == pytest.approx(row[column], **tolerance), place
