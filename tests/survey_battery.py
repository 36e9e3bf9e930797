"""A battery of class surveys: the kinds of file an instructor's class may hand in.

Each member is simulated at test time, seeded, from a path model over the six construct scores
(the paper's eight paths, optionally changed, plus optionally paths the paper's model leaves
out), with one-factor items per construct cut into five answer categories, and firm
characteristics drawn with the paper's Table 1 mix (or a set number of Medium firms). Together
with the shipped survey they cover what the lessons' prose must survive: small classes, a model
the data clearly reject, paths near zero or negative, answers far from normal.

    python tests/survey_battery.py FOLDER     writes every member to FOLDER/<name>.csv
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from helpers import files, paper_model, published, settings
from helpers import instrument as ins

PAPER_BETAS = {
    (row.predictor, row.outcome): float(row.beta) for row in published.table5().itertuples(index=False)
}
OUTCOMES = ("market_reach", "innovation_agility", "operational_efficiency")
MEDIATORS = ("international_trade", "global_logistics")
SYMMETRIC = (0.05, 0.2, 0.5, 0.2, 0.05)
CEILING = (0.01, 0.02, 0.07, 0.25, 0.65)  # most firms strongly agree: far from normal


@dataclass(frozen=True)
class Member:
    """One class survey of the battery: how it is simulated and what it is for."""

    name: str
    n: int
    purpose: str
    seed: int
    betas: dict = field(default_factory=dict)  # changes to the paper's standardized paths
    omitted: dict = field(default_factory=dict)  # paths the paper's model leaves out (misfit)
    answer_shares: tuple = SYMMETRIC
    medium_firms: int | None = None  # None: drawn with the paper's share of Medium firms


MEMBERS = (
    Member("class_40_two_medium", 40, "a small class with only 2 Medium firms", seed=40, medium_firms=2),
    Member("class_60", 60, "a class of 60 with the paper's firm-size mix", seed=60),
    Member(
        "model_rejected",
        190,
        "the paper's model clearly rejected: strong direct effects of networking on the outcomes",
        seed=3,
        omitted={
            ("partnership_collaboration", "market_reach"): 0.45,
            ("partnership_collaboration", "innovation_agility"): 0.4,
        },
    ),
    Member(
        "weak_paths",
        150,
        "paths near zero or negative: H2b negative, H3b and H2c near zero",
        seed=4,
        betas={
            ("international_trade", "innovation_agility"): -0.12,
            ("global_logistics", "innovation_agility"): 0.02,
            ("international_trade", "operational_efficiency"): 0.0,
        },
    ),
    Member(
        "non_normal",
        190,
        "answers piled at 'strongly agree': normality and Mardia reject",
        seed=5,
        answer_shares=CEILING,
    ),
)  # fmt: skip


def latent_scores(member: Member, rng: np.random.Generator) -> pd.DataFrame:
    """Standardized construct scores from the member's path model (residual variances chosen so
    that every construct has variance 1; the outcomes' residuals correlate a little)."""
    betas = {**PAPER_BETAS, **member.betas}
    n = member.n
    scores = {"partnership_collaboration": rng.standard_normal(n)}
    for mediator in MEDIATORS:
        b = betas[("partnership_collaboration", mediator)]
        noise = np.sqrt(1 - b**2) * rng.standard_normal(n)
        scores[mediator] = b * scores["partnership_collaboration"] + noise
    residuals = rng.multivariate_normal(np.zeros(3), 0.75 * np.eye(3) + 0.25, size=n)
    for k, outcome in enumerate(OUTCOMES):
        paths = {predictor: betas[(predictor, outcome)] for predictor in MEDIATORS}
        paths.update({p: b for (p, o), b in member.omitted.items() if o == outcome})
        signal = sum(b * scores[predictor] for predictor, b in paths.items())
        explained = np.var(signal)
        scores[outcome] = signal + np.sqrt(max(1 - explained, 0.05)) * residuals[:, k]
    return pd.DataFrame(scores)[list(paper_model.VARIABLES)]


def answers(member: Member, latent: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Items from one factor per construct (loading 0.8), cut at the member's answer shares;
    reverse-worded items stored as asked."""
    thresholds = stats.norm.ppf(np.cumsum(member.answer_shares)[:-1])
    columns = {}
    for construct in ins.CONSTRUCTS:
        for item in construct.items:
            continuous = 0.8 * latent[construct.key].to_numpy() + 0.6 * rng.standard_normal(member.n)
            answer = 1 + np.searchsorted(thresholds, continuous)
            columns[item.column] = (ins.LIKERT_MIN + ins.LIKERT_MAX) - answer if item.reverse else answer
    return columns


def characteristics(member: Member, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Each firm characteristic drawn with Table 1's shares; Medium firms set when asked."""
    table1 = published.table1()
    columns = {}
    for characteristic in ins.CHARACTERISTICS:
        rows = table1[table1["characteristic"] == characteristic.label].set_index("category")
        shares = np.array([rows.at[c, "frequency"] for c in characteristic.categories], dtype=float)
        drawn = rng.choice(characteristic.categories, size=member.n, p=shares / shares.sum())
        columns[characteristic.column] = drawn
    if member.medium_firms is not None:
        sizes = np.full(member.n, "Small", dtype=object)
        sizes[rng.choice(member.n, size=member.medium_firms, replace=False)] = "Medium"
        columns["firm_size"] = sizes
    return columns


def generate(member: Member) -> pd.DataFrame:
    """The member's survey as a survey tool exports it (columns as in data/codebook.csv)."""
    rng = np.random.default_rng([settings.SEED, member.seed])
    survey = {ins.FIRM_ID: np.arange(1, member.n + 1)}
    survey.update(characteristics(member, rng))
    for platform in ins.PLATFORMS:
        survey[platform.column] = np.where(rng.random(member.n) < 0.7, ins.YES, ins.NO)
    survey.update(answers(member, latent_scores(member, rng), rng))
    return pd.DataFrame(survey)[ins.survey_columns()]


def write(member: Member, folder: Path) -> Path:
    path = Path(folder) / f"{member.name}.csv"
    with files.atomic_path(path) as temporary:
        generate(member).to_csv(temporary, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    for member in MEMBERS:
        print(write(member, Path(sys.argv[1])))
