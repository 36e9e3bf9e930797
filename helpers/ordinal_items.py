"""Beyond the paper: what treating five-point answers as continuous numbers does to a confirmatory
factor analysis (the items' standardized loadings) and to the paths between the constructs.

A small seeded Monte Carlo on the kit's generator's population (``helpers.synthetic``):

- **Population.** Latent construct scores η with the correlations that Table 5's standardized
  paths imply, with the generator's assumed outcome residual correlations
  (``power.population_covariance("published")``, i.e. ``synthetic.implied_correlations``), so
  the population's latent paths are Table 5's. Each item is a continuous answer λ·η + √(1 − λ²)·ε
  with standard normal ε, as in the generator's step 3; the loadings λ are spread evenly over
  the generator's ``ITEM_LOADING_RANGE`` within each construct (the generator draws them at
  random from that range). Reverse wording plays no part: items are simulated as recoded.
- **Conditions** (``ANSWER_CONDITIONS``). The same continuous answers are kept as they are, or
  cut into ordered answers 1..K at the normal thresholds τ_k = Φ⁻¹(share of answers up to k)
  (``synthetic.answer_thresholds``): five symmetric categories, five categories with the kit's
  own answer shares (``synthetic.ANSWER_SHARES``), five skewed ones (most answers 4 or 5), and
  three categories. Every condition cuts the same draws (common random numbers), so the
  differences between conditions come from the cutting alone.
- **Estimators, in closed form.** A CFA fitted by ML with ``helpers.sem.fit_sem`` takes a
  noticeable fraction of a second per dataset (the full latent SEM longer), so hundreds of
  datasets in five conditions would take minutes; a lesson cell should take seconds. Every
  dataset is therefore estimated in closed form, all at once, from its Pearson correlations
  (what ML on the answers as numbers fits):
  the standardized loading of item i is the triad estimate within its construct,
  λ̂ᵢ² = Σ_{j<k} rᵢⱼ rᵢₖ / Σ_{j<k} rⱼₖ over the construct's other items j, k (exact when the
  one-factor model holds, as ML is); the latent correlation of constructs a and b is
  Σ rᵢⱼ / (Σ λ̂ᵢ · Σ λ̂ⱼ) over items i of a and j of b; the latent paths are the paper's path
  model fitted to those correlations and the composite paths the same model fitted to the
  covariances of the item means (what the paper does), both with
  ``paper_model.fit_covariances`` and standardized (std.all). The tests check the closed form
  against ``fit_sem``'s CFA on simulated datasets.

What to expect, from the simulation studies in ``REFERENCES``: ML on the answers as numbers
gives standardized loadings that are too low once answers are cut into categories, more so
with fewer categories and with skewed (asymmetric) thresholds. ``helpers.scenarios.ordinal_scenarios``
(lesson 07) looks at the composite paths alone, with one loading for every item; this module adds
the CFA's loadings, the latent paths and answer shares other than the kit's.

``ordinal_items_simulation`` returns the tidy table; ``ordinal_items_summary`` the sentence a
lesson prints, computed from that table; ``conditions_table`` shows the conditions and
``simulated_survey`` returns one simulated survey, to look at or to fit with ``fit_sem``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import instrument as ins
from helpers import paper_model, power, settings, synthetic
from helpers.sem import simulation
from helpers.statements import listing, number

CONTINUOUS = "continuous"
DEFAULT_FIRMS = power.STUDY_N
DEFAULT_REPLICATIONS = 500
MIN_FIRMS = 50  # fewer firms and a skewed item can get one answer from every firm in a dataset

LOADINGS = "CFA loading"
LATENT_PATH = "latent path"
COMPOSITE_PATH = "composite path"
MEAN_LOADING = "mean standardized loading"


@dataclass(frozen=True)
class AnswerCondition:
    """How the continuous answers are recorded: as they are (``shares`` None) or cut into
    ordered answers 1..K with these shares of answers, one tuple for every item or a tuple per
    construct key."""

    name: str
    description: str
    shares: tuple[float, ...] | Mapping[str, tuple[float, ...]] | None = None

    def construct_shares(self, construct_key: str) -> tuple[float, ...] | None:
        if self.shares is None or not isinstance(self.shares, Mapping):
            return self.shares
        return self.shares[construct_key]

    def thresholds(self, construct_key: str) -> np.ndarray | None:
        """The normal thresholds τ that cut this construct's answers (None: not cut)."""
        shares = self.construct_shares(construct_key)
        return None if shares is None else synthetic.answer_thresholds(shares)


ANSWER_CONDITIONS: dict[str, AnswerCondition] = {
    condition.name: condition
    for condition in (
        AnswerCondition(CONTINUOUS, "continuous answers, never cut"),
        AnswerCondition(
            "5-point symmetric", "five symmetric categories", (0.067, 0.242, 0.382, 0.242, 0.067)
        ),
        AnswerCondition(
            "5-point as the kit", "five categories in the kit's answer shares", synthetic.ANSWER_SHARES
        ),
        AnswerCondition(
            "5-point skewed", "five skewed categories (most answers 4 or 5)", (0.02, 0.05, 0.13, 0.40, 0.40)
        ),
        AnswerCondition("3-point symmetric", "three symmetric categories", (0.25, 0.50, 0.25)),
    )
}

REFERENCES = (
    "Dolan, C. V. (1994). Factor analysis of variables with 2, 3, 5 and 7 response categories: "
    "A comparison of categorical variable estimators using simulated data. British Journal of "
    "Mathematical and Statistical Psychology, 47(2), 309–326.",
    "DiStefano, C. (2002). The impact of categorization with confirmatory factor analysis. "
    "Structural Equation Modeling, 9(3), 327–346.",
    "Rhemtulla, M., Brosseau-Liard, P. É., & Savalei, V. (2012). When can categorical variables "
    "be treated as continuous? A comparison of robust continuous and categorical SEM estimation "
    "methods under suboptimal conditions. Psychological Methods, 17(3), 354–373.",
)


def conditions_table(conditions: Sequence[str | AnswerCondition] | None = None) -> pd.DataFrame:
    """One row per condition and construct: number of categories, shares of answers 1..K and
    the thresholds τ (rounded to three decimals for display)."""
    rows = []
    for condition in _conditions(conditions):
        for construct in ins.CONSTRUCTS:
            shares = condition.construct_shares(construct.key)
            tau = condition.thresholds(construct.key)
            rows.append(
                {
                    "condition": condition.name,
                    "construct": construct.abbreviation,
                    "categories": "none" if shares is None else str(len(shares)),
                    "shares": "" if shares is None else " / ".join(f"{s:.3f}" for s in shares),
                    "thresholds": "" if tau is None else " / ".join(f"{t:.3f}" for t in tau),
                }
            )
    table = pd.DataFrame(rows)
    # Conditions whose shares are the same for every construct take one row.
    same = table.groupby("condition", sort=False)[["shares"]].transform("nunique")["shares"] == 1
    table.loc[same, "construct"] = "all"
    return table.drop_duplicates().set_index(["condition", "construct"])


def population_loadings() -> dict[str, np.ndarray]:
    """The items' standardized loadings in the population, per construct key: evenly spread over
    the generator's ``ITEM_LOADING_RANGE``, in item order."""
    low, high = synthetic.ITEM_LOADING_RANGE
    return {c.key: np.linspace(low, high, len(c.items)) for c in ins.CONSTRUCTS}


def population_values() -> pd.DataFrame:
    """The population value of every parameter of the table (kind, parameter): the mean
    loading, the latent paths (Table 5's, through the generator's implied correlations) and the
    paths between composites of continuous answers (closed form)."""
    latent_correlation = power.population_covariance("published").to_numpy()
    loadings = population_loadings()
    item_covariance = _item_covariance(latent_correlation, loadings)
    composite_covariance = _averaging_matrix() @ item_covariance @ _averaging_matrix().T
    rows = [(LOADINGS, MEAN_LOADING, float(np.concatenate(list(loadings.values())).mean()))]
    for kind, covariance in ((LATENT_PATH, latent_correlation), (COMPOSITE_PATH, composite_covariance)):
        betas = _standardized_paths(covariance[None], n=1)[0]
        rows += [(kind, label, float(beta)) for label, beta in zip(_path_names(), betas)]
    table = pd.DataFrame(rows, columns=["kind", "parameter", "population_value"])
    return table.set_index(["kind", "parameter"])


def ordinal_items_simulation(
    n_firms: int = DEFAULT_FIRMS,
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = settings.SEED,
    conditions: Sequence[str | AnswerCondition] | None = None,
) -> pd.DataFrame:
    """Simulate ``replications`` surveys of ``n_firms`` firms and estimate the loadings, the latent
    paths and the composite paths from the answers as they are and cut into categories.

    ``conditions``: names of ``ANSWER_CONDITIONS`` or ``AnswerCondition``s (default: all of
    ``ANSWER_CONDITIONS``); the continuous answers are always included, first, as the reference.
    Returns one row per condition and parameter: kind (CFA loading, latent path, composite
    path), parameter (the mean standardized loading over the 25 items, or "H1a: PCDP → IT"),
    mean estimate over the datasets, population value (``population_values``: the value of the
    same estimator on the population of continuous answers), bias, relative bias (bias /
    population value: below zero is a value pulled towards zero) and the empirical SD of the
    estimates over the datasets (its Monte Carlo error is that SD / √replications).
    """
    _check_count("n_firms", n_firms, MIN_FIRMS, "firms in each simulated survey")
    _check_count("replications", replications, 2, "simulated surveys")
    chosen = _conditions(conditions)
    streams = np.random.SeedSequence(seed).spawn(replications)
    per_chunk = max(1, simulation.MAX_ELEMENTS // (n_firms * len(ins.item_columns())))
    estimates = {condition.name: [] for condition in chosen}
    for start in range(0, replications, per_chunk):  # memory-bounded: a chunk of datasets at a time
        continuous = _continuous_answers(n_firms, streams[start : start + per_chunk])
        for condition in chosen:
            estimates[condition.name].append(_estimates(_recorded(continuous, condition), condition.name))
    population = population_values()
    tables = []
    for condition in chosen:
        stacked = np.concatenate(estimates[condition.name])
        table = population.copy()
        table["mean_estimate"] = stacked.mean(axis=0)
        table["empirical_sd"] = stacked.std(axis=0, ddof=1)
        table.insert(0, "condition", condition.name)
        tables.append(table.reset_index())
    table = pd.concat(tables, ignore_index=True)
    table["bias"] = table["mean_estimate"] - table["population_value"]
    table["relative_bias"] = table["bias"] / table["population_value"]
    columns = ["condition", "kind", "parameter", "mean_estimate", "population_value", "bias", "relative_bias"]
    return table[columns + ["empirical_sd"]]


def simulated_survey(
    condition: str | AnswerCondition = CONTINUOUS,
    n_firms: int = DEFAULT_FIRMS,
    seed: int = settings.SEED,
    replication: int = 0,
) -> pd.DataFrame:
    """One of the simulated surveys (the first by default) as the condition records it: one row
    per firm, one column per item (recoded direction), e.g. to fit ``fit_sem`` to it."""
    _check_count("n_firms", n_firms, MIN_FIRMS, "firms in each simulated survey")
    _check_count("replication", replication, 0, "the dataset to return, counted from 0")
    chosen = _conditions([condition])[-1]
    stream = np.random.SeedSequence(seed).spawn(replication + 1)[-1:]
    answers = pd.DataFrame(
        _recorded(_continuous_answers(n_firms, stream), chosen)[0], columns=ins.item_columns()
    )
    return answers if chosen.shares is None else answers.astype(int)


def ordinal_items_summary(table: pd.DataFrame) -> str:
    """Two sentences computed from ``ordinal_items_simulation``'s table: how much lower (or
    higher) the mean standardized loading is in each condition with cut answers than with the
    continuous answers; and, in the condition that shrinks the composite paths most, how much
    the latent and the composite paths change (Σ|β| relative to continuous answers)."""
    _check_table(table)
    cut = [c for c in dict.fromkeys(table["condition"]) if c != CONTINUOUS]
    loading = _mean_loadings(table)
    changes = [f"into {_description(c)} it is {_difference(loading[c] - loading[CONTINUOUS])}" for c in cut]
    worst = min(cut, key=lambda c: _path_change(table, c, COMPOSITE_PATH))
    latent, composite = (_path_change(table, worst, kind) for kind in (LATENT_PATH, COMPOSITE_PATH))
    return (
        f"With the answers kept continuous, the mean standardized loading is {number(loading[CONTINUOUS])} "
        f"(population {number(_population_loading(table))}); cut {listing(changes)}. "
        f"Cut into {_description(worst)}, the latent paths are on average {_percent(latent)} and the "
        f"composite paths {_percent(composite)} than with continuous answers."
    )


# --- Simulation ------------------------------------------------------------------------------


def _continuous_answers(n_firms: int, streams: Sequence[np.random.SeedSequence]) -> np.ndarray:
    """(datasets, firms, items) continuous answers in ``ins.item_columns()`` order, each dataset
    from its own stream (dataset r from the seed's r-th spawned stream), so dataset r is the same
    whatever the number of datasets and however they are chunked."""
    latent_correlation = power.population_covariance("published").to_numpy()
    factor = np.linalg.cholesky(latent_correlation)
    loadings = np.concatenate(list(population_loadings().values()))
    construct_of_item = np.repeat(np.arange(len(ins.CONSTRUCTS)), [len(c.items) for c in ins.CONSTRUCTS])
    answers = np.empty((len(streams), n_firms, len(loadings)))
    for r, stream in enumerate(streams):
        rng = np.random.default_rng(stream)
        latent = rng.standard_normal((n_firms, len(ins.CONSTRUCTS))) @ factor.T
        noise = rng.standard_normal((n_firms, len(loadings)))
        answers[r] = loadings * latent[:, construct_of_item] + np.sqrt(1 - loadings**2) * noise
    return answers


def _recorded(continuous: np.ndarray, condition: AnswerCondition) -> np.ndarray:
    """The answers as the condition records them: continuous, or cut into 1..K per item."""
    recorded = continuous.copy()
    start = 0
    for construct in ins.CONSTRUCTS:
        stop = start + len(construct.items)
        tau = condition.thresholds(construct.key)
        if tau is not None:
            recorded[..., start:stop] = 1 + np.searchsorted(tau, continuous[..., start:stop])
        start = stop
    return recorded


def _estimates(answers: np.ndarray, condition_name: str) -> np.ndarray:
    """(replications, parameters) in ``population_values`` order: the mean loading, the latent
    paths and the composite paths of every dataset."""
    n = answers.shape[1]
    centred = answers - answers.mean(axis=1, keepdims=True)
    covariance = np.einsum("rni,rnj->rij", centred, centred) / n  # ML, divided by N
    sd = np.sqrt(np.diagonal(covariance, axis1=1, axis2=2))
    constant = (sd == 0).any(axis=1)
    if constant.any():
        raise ValueError(
            f"with {condition_name}, some item got the same answer from every firm in "
            f"{int(constant.sum())} of {len(answers)} datasets; use more firms or less extreme shares"
        )
    correlation = covariance / (sd[:, :, None] * sd[:, None, :])
    loadings, latent_correlation = _closed_form_cfa(correlation)
    composite_covariance = _averaging_matrix() @ covariance @ _averaging_matrix().T
    return np.column_stack(
        [
            loadings.mean(axis=1),
            _standardized_paths(latent_correlation, n),
            _standardized_paths(composite_covariance, n),
        ]
    )


def _closed_form_cfa(correlation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standardized loadings (replications, items) by the triad estimate within each
    construct, and the latent correlations (replications, 6, 6) they imply (see the module)."""
    blocks = _item_blocks()
    loadings = np.empty(correlation.shape[:2])
    for items in blocks:
        within = correlation[:, items][:, :, items]
        for position, item in enumerate(items):
            others = [k for k in range(len(items)) if k != position]
            r = within[:, position, others]  # (replications, others)
            products = (r.sum(axis=1) ** 2 - (r**2).sum(axis=1)) / 2  # Σ_{j<k} r_ij r_ik
            among = within[:, others][:, :, others]
            pairs = (among.sum(axis=(1, 2)) - np.trace(among, axis1=1, axis2=2)) / 2  # Σ_{j<k} r_jk
            loadings[:, item] = np.sqrt(np.clip(products / pairs, 0.0, None))
    latent = np.empty((len(correlation), len(blocks), len(blocks)))
    for a, items_a in enumerate(blocks):
        for b, items_b in enumerate(blocks):
            between = correlation[:, items_a][:, :, items_b].sum(axis=(1, 2))
            latent[:, a, b] = between / (loadings[:, items_a].sum(axis=1) * loadings[:, items_b].sum(axis=1))
        latent[:, a, a] = 1.0
    return loadings, latent


def _item_blocks() -> list[list[int]]:
    """The positions of each construct's items in ``ins.item_columns()``."""
    columns = ins.item_columns()
    return [[columns.index(c) for c in construct.item_columns] for construct in ins.CONSTRUCTS]


def _averaging_matrix() -> np.ndarray:
    """W (constructs, items): W @ answers gives each construct's mean of its items."""
    weights = np.zeros((len(ins.CONSTRUCTS), len(ins.item_columns())))
    for k, items in enumerate(_item_blocks()):
        weights[k, items] = 1 / len(items)
    return weights


def _item_covariance(latent_correlation: np.ndarray, loadings: dict[str, np.ndarray]) -> np.ndarray:
    """The continuous items' population covariance Λ Φ Λᵀ + Θ (every item of variance 1)."""
    lam = np.zeros((len(ins.item_columns()), len(ins.CONSTRUCTS)))
    for k, (construct, items) in enumerate(zip(ins.CONSTRUCTS, _item_blocks())):
        lam[items, k] = loadings[construct.key]
    covariance = lam @ latent_correlation @ lam.T
    np.fill_diagonal(covariance, 1.0)
    return covariance


def _standardized_paths(covariances: np.ndarray, n: int) -> np.ndarray:
    """(replications, paths): the paper's model's std.all paths, in ``power.paths()`` order."""
    standardized = paper_model.fit_covariances(covariances, n).standardized()
    cells = [(paper_model.VARIABLES.index(y), paper_model.VARIABLES.index(x)) for x, y in power.paths()]
    return np.stack([standardized[:, i, j] for i, j in cells], axis=1)


def _path_names() -> list[str]:
    labels = power.path_labels()
    return [f"{row.hypothesis}: {row.path}" for row in labels.itertuples()]


# --- Checks and the summary's pieces ---------------------------------------------------------


def _check_count(name: str, value, minimum: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number of {what}, at least {minimum}; got {value!r}")


def _conditions(conditions: Sequence[str | AnswerCondition] | None) -> list[AnswerCondition]:
    """The conditions to simulate, continuous first, each checked."""
    if conditions is None:
        return list(ANSWER_CONDITIONS.values())
    if isinstance(conditions, (str, AnswerCondition)) or not isinstance(conditions, Sequence):
        raise ValueError(
            "conditions must be a list of condition names (or AnswerConditions), e.g. "
            f"['5-point skewed']; got {conditions!r}"
        )
    chosen = [ANSWER_CONDITIONS[CONTINUOUS]]
    for condition in conditions:
        if isinstance(condition, str):
            if condition not in ANSWER_CONDITIONS:
                known = ", ".join(f'"{name}"' for name in ANSWER_CONDITIONS)
                raise ValueError(f'unknown condition "{condition}"; the conditions are {known}')
            condition = ANSWER_CONDITIONS[condition]
        elif not isinstance(condition, AnswerCondition):
            raise ValueError(f"a condition is a name or an AnswerCondition; got {condition!r}")
        _check_shares(condition)
        if condition == ANSWER_CONDITIONS[CONTINUOUS]:
            continue  # always there, first
        if condition.name in [c.name for c in chosen]:
            raise ValueError(f'condition "{condition.name}" is listed twice (or takes a name already used)')
        chosen.append(condition)
    return chosen


def _check_shares(condition: AnswerCondition) -> None:
    if isinstance(condition.shares, Mapping):
        missing = [c.key for c in ins.CONSTRUCTS if c.key not in condition.shares]
        if missing:
            raise ValueError(
                f'condition "{condition.name}" gives shares per construct but none for {", ".join(missing)}; '
                f"give a tuple of shares for every construct key of helpers.instrument"
            )
    for construct in ins.CONSTRUCTS:
        shares = condition.construct_shares(construct.key)
        if shares is None:
            continue
        values = np.asarray(shares, dtype=float)
        if len(values) < 2 or (values <= 0).any() or abs(values.sum() - 1) > 1e-6:
            raise ValueError(
                f'condition "{condition.name}": the shares of answers must be at least two positive '
                f"numbers adding up to 1; got {tuple(shares)} for {construct.abbreviation}"
            )


def _check_table(table: pd.DataFrame) -> None:
    needed = {"condition", "kind", "parameter", "mean_estimate", "population_value"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise ValueError("the summary needs the table of ordinal_items_simulation()")
    conditions = set(table["condition"])
    if CONTINUOUS not in conditions or len(conditions) < 2:
        raise ValueError(
            "the summary needs the continuous condition and at least one condition with cut answers"
        )


def _mean_loadings(table: pd.DataFrame) -> pd.Series:
    rows = table[(table["kind"] == LOADINGS) & (table["parameter"] == MEAN_LOADING)]
    return rows.set_index("condition")["mean_estimate"]


def _population_loading(table: pd.DataFrame) -> float:
    rows = table[(table["kind"] == LOADINGS) & (table["parameter"] == MEAN_LOADING)]
    return float(rows["population_value"].iloc[0])


def _path_change(table: pd.DataFrame, condition: str, kind: str) -> float:
    """Relative change of the paths' total size, Σ|β| with cut answers / Σ|β| continuous − 1
    (a ratio of sums: a path near zero cannot dominate it)."""
    rows = table[table["kind"] == kind].pivot(index="parameter", columns="condition", values="mean_estimate")
    return float(rows[condition].abs().sum() / rows[CONTINUOUS].abs().sum() - 1)


def _difference(delta: float) -> str:
    """ ".03 lower", ".01 higher" or "the same to two decimals"."""
    if round(delta, 2) == 0:
        return "the same to two decimals"
    return f"{number(abs(delta))} {'lower' if delta < 0 else 'higher'}"


def _percent(change: float) -> str:
    """ "4% smaller", "2% larger" or "as large (to the percent)"."""
    if round(change * 100) == 0:
        return "as large (to the percent)"
    return f"{abs(round(change * 100))}% {'smaller' if change < 0 else 'larger'}"


def _description(name: str) -> str:
    condition = ANSWER_CONDITIONS.get(name)
    return condition.description if condition is not None else f'the categories of "{name}"'
