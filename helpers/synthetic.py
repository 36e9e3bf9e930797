"""The seeded generator of the kit's synthetic survey (``data/sme_kerala_survey.csv``).

The study's raw answers were never published, so the kit ships simulated answers built to
reproduce what the paper does report. Everything here is deterministic given the seed, and
``python -m helpers.synthetic --out FILE`` rebuilds the shipped file byte for byte.

How the data are built (notebook 07 tells the story as a lesson in simulation):

1. **Targets.** From the published values in ``data/published``: the Table 1 counts, the
   platform shares the text states, the eight standardized paths of Table 5 and the user
   model's chi-square of Table 2. Everything the paper does not report (other platforms'
   shares, the outcomes' residual correlations, item loadings, answer distributions) is an
   assumption stated in the constants below.
2. **Target correlations of the construct scores**: the correlations the path model implies
   with the Table 5 coefficients, plus a little misfit (between PCDP and the outcomes, which
   changes no estimate) sized so that the model's chi-square equals the published one.
3. **Latent scores** with exactly those correlations (whitened normal draws), and **item
   answers** from a one-factor model per construct, cut into five categories.
4. **Calibration.** Cutting continuous answers into categories blurs the correlations, so the
   latent correlations are corrected until the construct scores' correlations match the
   targets; then single answers are moved one step at a time (the move that most reduces the
   distance to the targets) until all eight paths are within 0.0015 of Table 5 and the
   chi-square within 0.005 of Table 2, so that it rounds to the printed value.
5. **Acceptance.** An attempt is kept only if no construct score is rejected as non-normal by
   the (uncorrected) Kolmogorov-Smirnov test at .05 and every scale has Cronbach's alpha of at
   least .70; attempts are tried in seeded order. The paper also claims Shapiro-Wilk did not
   reject normality. Means of four or five 5-point items take few distinct values, and with
   these answer distributions Shapiro-Wilk rejects at least one of the six scores in every
   simulated dataset (notebook 07 measures it), so the generator does not force it: the
   diagnostics notebook reports it.
6. **Firm characteristics and platform use** get the published counts exactly; who gets which
   category is random, with mild assumed links (medium-sized firms trade more abroad, older
   firms run more global logistics, heavier networkers use more platforms).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from helpers import files, paper_model, published, settings
from helpers import instrument as ins

# --- Assumptions (not reported in the paper) --------------------------------------------------

# Shares of firms using the platforms whose share the paper does not state. YouTube is kept
# the most used content-sharing platform, as the text says.
ASSUMED_PLATFORM_SHARES = {
    "uses_youtube": 0.78,
    "uses_instagram": 0.66,
    "uses_linkedin": 0.48,
    "uses_x_twitter": 0.27,
    "uses_email": 0.85,
    "uses_ecommerce_marketplace": 0.41,
}

# Correlations of the three outcomes' residuals (free in lavaan's default model).
OUTCOME_RESIDUAL_CORRELATIONS = {
    ("market_reach", "innovation_agility"): 0.25,
    ("market_reach", "operational_efficiency"): 0.20,
    ("innovation_agility", "operational_efficiency"): 0.30,
}

# Share of answers 1..5 for a typical item of each construct (before reverse wording).
# Firms that all run a website agree more about networking than about exporting.
ANSWER_SHARES = {
    "partnership_collaboration": (0.04, 0.13, 0.33, 0.33, 0.17),
    "international_trade": (0.08, 0.21, 0.36, 0.24, 0.11),
    "global_logistics": (0.07, 0.20, 0.36, 0.25, 0.12),
    "market_reach": (0.04, 0.14, 0.33, 0.32, 0.17),
    "innovation_agility": (0.05, 0.15, 0.34, 0.31, 0.15),
    "operational_efficiency": (0.05, 0.14, 0.34, 0.31, 0.16),
}
ITEM_LOADING_RANGE = (0.72, 0.88)  # standardized loadings of the items on their construct
ITEM_SHIFT_SD = 0.15  # items of one construct differ a little in how easily firms agree

# --- Calibration settings ----------------------------------------------------------------------
BETA_TOLERANCE = 0.0015
CHI_SQUARE_TOLERANCE = 0.005  # half a unit of Table 2's last printed decimal: chi-square rounds to it
MAX_LATENT_ITERATIONS = 60
LATENT_GAP_TOLERANCE = 0.004  # stop correcting latent correlations below this largest gap
MAX_ANSWER_MOVES = 3000
MAX_ATTEMPTS = 100
NORMALITY_ALPHA = 0.05
MIN_CRONBACH_ALPHA = 0.70


def generate_survey(seed: int = settings.SEED, n_firms: int | None = None) -> pd.DataFrame:
    """The synthetic survey export: one row per firm, answers as a survey tool exports them."""
    n = int(published.fact("n_firms")) if n_firms is None else n_firms
    goal = targets()
    target_corr = target_correlations(n, goal["betas"], goal["chi_square"])
    seeds = np.random.SeedSequence(seed)
    for attempt_seed in seeds.spawn(MAX_ATTEMPTS):
        rng = np.random.default_rng(attempt_seed)
        attempt = calibration_attempt(rng, n, target_corr, goal)
        answers, latent = attempt.answers, attempt.latent
        if answers is not None and acceptable(answers):
            break
    else:
        raise RuntimeError(f"no attempt out of {MAX_ATTEMPTS} met the targets; change the seed")
    survey = pd.DataFrame({ins.FIRM_ID: np.arange(1, n + 1)})
    for column, values in _firm_characteristics(rng, latent).items():
        survey[column] = values
    for column, values in _platform_use(rng, latent).items():
        survey[column] = values
    stored = answers.copy()
    for column in ins.reverse_item_columns():  # the file holds answers as asked
        stored[column] = (ins.LIKERT_MIN + ins.LIKERT_MAX) - stored[column]
    return pd.concat([survey, stored.reset_index(drop=True)], axis=1)[ins.survey_columns()]


def write_survey(path: Path, seed: int = settings.SEED) -> Path:
    """Write the generated survey as UTF-8 CSV with Unix line endings (byte-stable)."""
    path = Path(path)
    with files.atomic_path(path) as temporary:
        generate_survey(seed).to_csv(temporary, index=False, lineterminator="\n")
    return path


def targets() -> dict:
    """What the generator aims at, from the published values: Table 5's betas by
    (predictor, outcome) and Table 2's user-model chi-square."""
    table5 = published.table5()
    user = published.table2().set_index("model").loc["User Model"]
    betas = {(row.predictor, row.outcome): float(row.beta) for row in table5.itertuples()}
    return {"betas": betas, "chi_square": float(user["chi_square"])}


def implied_correlations(betas: dict[tuple[str, str], float]) -> np.ndarray:
    """Correlations of the six construct scores implied by standardized paths (no misfit)."""
    names = paper_model.VARIABLES
    p = len(names)
    index = {v: i for i, v in enumerate(names)}
    b = np.zeros((p, p))
    for (predictor, outcome), beta in betas.items():
        b[index[outcome], index[predictor]] = beta
    inverse = np.linalg.inv(np.eye(p) - b)
    # Residual variances make every variance 1; outcome residuals get the assumed correlations.
    psi = np.zeros((p, p))
    for k in range(p):
        row = b[k]
        partial = inverse @ psi @ inverse.T  # variances of the predictors so far
        explained = row @ partial @ row
        psi[k, k] = 1.0 - explained if row.any() else 1.0
    for (a, c), r in OUTCOME_RESIDUAL_CORRELATIONS.items():
        i, j = index[a], index[c]
        psi[i, j] = psi[j, i] = r * np.sqrt(psi[i, i] * psi[j, j])
    return inverse @ psi @ inverse.T


def target_correlations(n: int, betas: dict, chi_square: float) -> np.ndarray:
    """Implied correlations plus misfit between PCDP and the outcomes, sized so the model's
    chi-square at N = n equals ``chi_square``. That misfit changes none of the estimates."""
    base = implied_correlations(betas)
    index = {v: i for i, v in enumerate(paper_model.VARIABLES)}
    pattern = np.zeros_like(base)
    for outcome, weight in zip(paper_model.OUTCOMES, (1.0, -0.6, 0.8)):
        i, j = index[paper_model.EXOGENOUS[0]], index[outcome]
        pattern[i, j] = pattern[j, i] = weight

    def chi(scale: float) -> float:
        return float(paper_model.fit_covariances(base + scale * pattern, n).chi_square)

    low, high = 0.0, 0.2
    for _ in range(80):  # bisection: chi-square grows with the misfit
        middle = (low + high) / 2
        low, high = (middle, high) if chi(middle) < chi_square else (low, middle)
    return base + low * pattern


def answer_thresholds(shares) -> np.ndarray:
    """The normal thresholds τ that cut a standard normal into answers 1..K with these shares:
    τ_k = Φ⁻¹(share of answers up to k)."""
    return stats.norm.ppf(np.cumsum(np.asarray(shares, dtype=float))[:-1])


def _item_design(rng: np.random.Generator) -> dict:
    loadings, thresholds = {}, {}
    for construct in ins.CONSTRUCTS:
        typical = answer_thresholds(ANSWER_SHARES[construct.key])
        for item in construct.items:
            loadings[item.column] = rng.uniform(*ITEM_LOADING_RANGE)
            shift = rng.normal(0.0, ITEM_SHIFT_SD)
            thresholds[item.column] = typical + shift
    return {"loadings": loadings, "thresholds": thresholds}


def _continuous_answers(latent: np.ndarray, noise: dict, design: dict) -> pd.DataFrame:
    columns = {}
    for k, construct in enumerate(ins.CONSTRUCTS):
        for item in construct.items:
            loading = design["loadings"][item.column]
            columns[item.column] = loading * latent[:, k] + np.sqrt(1 - loading**2) * noise[item.column]
    return pd.DataFrame(columns)


def _cut(continuous: pd.DataFrame, design: dict) -> pd.DataFrame:
    answers = {}
    for column in continuous.columns:
        answers[column] = 1 + np.searchsorted(design["thresholds"][column], continuous[column].to_numpy())
    return pd.DataFrame(answers)


def construct_scores(answers: pd.DataFrame) -> np.ndarray:
    """Each firm's construct scores (mean of the construct's recoded answers), (firms, 6)."""
    return np.column_stack([answers[c.item_columns].to_numpy().mean(axis=1) for c in ins.CONSTRUCTS])


def _nearest_correlation(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    fixed = vectors @ np.diag(np.clip(values, 1e-3, None)) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


@dataclass
class CalibrationAttempt:
    """One attempt of steps 3-4, with what it went through (notebook 07 shows these)."""

    latent_gaps: list[float]  # largest correlation gap after each latent iteration
    first_cut: pd.DataFrame  # answers from the uncorrected latent correlations
    answers_before_moves: pd.DataFrame
    answers: pd.DataFrame | None  # after the one-step moves; None if they got stuck
    latent_correlation: np.ndarray
    latent: np.ndarray


def calibration_attempt(rng, n, target_corr, targets) -> CalibrationAttempt:
    """Steps 3 and 4 for one attempt: latent scores, answers, latent correction, answer moves."""
    design = _item_design(rng)
    z = rng.standard_normal((n, len(ins.CONSTRUCTS)))
    noise = {column: rng.standard_normal(n) for column in ins.item_columns()}
    latent_corr = target_corr.copy()
    gaps, first_cut = [], None
    for _ in range(MAX_LATENT_ITERATIONS):
        used_corr = latent_corr
        latent = _whitened(z) @ np.linalg.cholesky(latent_corr).T
        continuous = _continuous_answers(latent, noise, design)
        answers = _cut(continuous, design)
        first_cut = answers if first_cut is None else first_cut
        gap = target_corr - np.corrcoef(construct_scores(answers), rowvar=False)
        gaps.append(float(np.abs(gap).max()))
        if np.abs(gap).max() < LATENT_GAP_TOLERANCE:
            break
        latent_corr = _nearest_correlation(latent_corr + gap)
    moved = _move_answers(answers, continuous, design, targets, n)
    return CalibrationAttempt(gaps, first_cut, answers, moved, used_corr, latent)


def _whitened(z: np.ndarray) -> np.ndarray:
    centred = z - z.mean(axis=0)
    return centred @ np.linalg.inv(np.linalg.cholesky(np.cov(centred, rowvar=False, bias=True))).T


def _distance(scores_cov: np.ndarray, n: int, targets: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate: loss, largest beta gap, chi-square gap (all computed in one stack)."""
    fit = paper_model.fit_covariances(scores_cov, n)
    gaps = np.stack([fit.path(x, y) - beta for (x, y), beta in targets["betas"].items()], axis=-1)
    chi_gap = fit.chi_square - targets["chi_square"]
    loss = np.sum((gaps / BETA_TOLERANCE) ** 2, axis=-1) + (chi_gap / CHI_SQUARE_TOLERANCE) ** 2
    return loss, np.abs(gaps).max(axis=-1), np.abs(chi_gap)


def _move_answers(answers, continuous, design, targets, n):
    """Greedy calibration: move one answer by one step at a time, always the move that most
    reduces the distance to the targets, until every target is within tolerance."""
    answers = answers.copy()
    constructs = ins.CONSTRUCTS
    sizes = np.array([len(c.items) for c in constructs], dtype=float)
    for _ in range(MAX_ANSWER_MOVES):
        x = construct_scores(answers)
        loss, beta_gap, chi_gap = _distance(np.cov(x, rowvar=False, bias=True), n, targets)
        if beta_gap <= BETA_TOLERANCE and chi_gap <= CHI_SQUARE_TOLERANCE:
            return answers
        candidates = _candidate_covariances(x, sizes)
        candidate_loss, _, _ = _distance(candidates, n, targets)
        allowed = _movable(answers, constructs)
        candidate_loss = np.where(allowed, candidate_loss, np.inf)
        best = np.unravel_index(np.argmin(candidate_loss), candidate_loss.shape)
        if candidate_loss[best] >= loss:
            return None  # stuck: the caller tries the next attempt
        firm, k, direction = best
        step = 1 if direction == 0 else -1
        _move_one_answer(answers, continuous, design, firm, constructs[k], step)
    return None


def _candidate_covariances(x: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """ML covariance after each possible move: firm i, construct k, one step up or down."""
    n, p = x.shape
    mean = x.mean(axis=0)
    second = x.T @ x / n
    deltas = np.stack([1.0 / sizes, -1.0 / sizes], axis=-1)  # (p, 2)
    result = np.empty((n, p, 2, p, p))
    for k in range(p):
        for d in range(2):
            delta = deltas[k, d]
            moved = second[None].repeat(n, axis=0)
            moved[:, k, :] += delta * x / n
            moved[:, :, k] += delta * x / n
            moved[:, k, k] += delta**2 / n
            new_mean = np.repeat(mean[None], n, axis=0)
            new_mean[:, k] += delta / n
            result[:, k, d] = moved - new_mean[:, :, None] * new_mean[:, None, :]
    return result


def _movable(answers: pd.DataFrame, constructs) -> np.ndarray:
    n = len(answers)
    allowed = np.zeros((n, len(constructs), 2), dtype=bool)
    for k, construct in enumerate(constructs):
        values = answers[construct.item_columns].to_numpy()
        allowed[:, k, 0] = (values < ins.LIKERT_MAX).any(axis=1)
        allowed[:, k, 1] = (values > ins.LIKERT_MIN).any(axis=1)
    return allowed


def _move_one_answer(answers, continuous, design, firm, construct, step) -> None:
    """Move the item whose continuous answer lies closest to the threshold being crossed."""
    best_column, best_distance = None, np.inf
    for column in construct.item_columns:
        value = answers.at[firm, column]
        if not ins.LIKERT_MIN <= value + step <= ins.LIKERT_MAX:
            continue
        # thresholds[j] separates answer j+1 from answer j+2
        threshold = design["thresholds"][column][value - 1 if step > 0 else value - 2]
        distance = abs(continuous.at[firm, column] - threshold)
        if distance < best_distance:
            best_column, best_distance = column, distance
    answers.at[firm, best_column] += step


def acceptance_checks(answers: pd.DataFrame) -> pd.DataFrame:
    """Step 5's checks per construct: the uncorrected KS p-value of the score against a normal
    with its own mean and SD, and Cronbach's alpha (pingouin) of its recoded items."""
    import pingouin as pg  # slow to import; the generator needs it once per attempt

    scores = construct_scores(answers)
    rows = []
    for k, construct in enumerate(ins.CONSTRUCTS):
        values = scores[:, k]
        rows.append(
            {
                "construct": construct.abbreviation,
                "ks_p": stats.kstest(values, "norm", args=(values.mean(), values.std(ddof=1))).pvalue,
                "cronbach_alpha": pg.cronbach_alpha(data=answers[construct.item_columns])[0],
            }
        )
    table = pd.DataFrame(rows).set_index("construct")
    table["ks_ok"] = table["ks_p"] >= NORMALITY_ALPHA
    table["alpha_ok"] = table["cronbach_alpha"] >= MIN_CRONBACH_ALPHA
    return table


def acceptable(answers: pd.DataFrame) -> bool:
    """Step 5: every construct passes the KS check and has alpha of at least .70."""
    checks = acceptance_checks(answers)
    return bool(checks["ks_ok"].all() and checks["alpha_ok"].all())


def _ranked_assignment(rng, preference: np.ndarray, counts: list[int], labels) -> np.ndarray:
    """Give each category exactly its count; firms with a higher preference (plus noise) get
    the later categories."""
    order = np.argsort(preference + rng.standard_normal(len(preference)), kind="stable")
    values = np.empty(len(preference), dtype=object)
    start = 0
    for label, count in zip(labels, counts):
        values[order[start : start + count]] = label
        start += count
    return values


def _firm_characteristics(rng, latent: np.ndarray) -> dict[str, np.ndarray]:
    table1 = published.table1()
    keys = ins.construct_keys()
    preference = {
        "firm_size": 0.8 * latent[:, keys.index("international_trade")],
        "business_age": 0.5 * latent[:, keys.index("global_logistics")],
    }
    result = {}
    for characteristic in ins.CHARACTERISTICS:
        rows = table1[table1["characteristic"] == characteristic.label].set_index("category")
        counts = [int(rows.at[category, "frequency"]) for category in characteristic.categories]
        weight = preference.get(characteristic.column, np.zeros(len(latent)))
        result[characteristic.column] = _ranked_assignment(rng, weight, counts, characteristic.categories)
    return result


def _platform_use(rng, latent: np.ndarray) -> dict[str, np.ndarray]:
    n = len(latent)
    stated = published.platform_use().set_index("platform")["percentage"].dropna()
    networking = 0.6 * latent[:, ins.construct_keys().index("partnership_collaboration")]
    result = {}
    for platform in ins.PLATFORMS:
        if platform.share_reported_in_paper:
            share = float(stated[platform.label]) / 100
        else:
            share = ASSUMED_PLATFORM_SHARES[platform.column]
        users = int(round(share * n))
        result[platform.column] = _ranked_assignment(rng, networking, [n - users, users], [ins.NO, ins.YES])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Rebuild the kit's synthetic survey file.")
    parser.add_argument("--out", type=Path, required=True, help="where to write the CSV")
    parser.add_argument("--seed", type=int, default=settings.SEED)
    arguments = parser.parse_args()
    if arguments.out.exists():
        parser.error(f"{arguments.out} exists; the generator never overwrites a file")
    print(f"wrote {write_survey(arguments.out, arguments.seed)}")


if __name__ == "__main__":
    main()
