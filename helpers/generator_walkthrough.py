"""The synthetic data generator, step by step: what ``helpers.synthetic`` computes on its way to
the kit's answers, kept for lesson 07.

``generator_walkthrough`` repeats the generator's steps 1-5 with the generator's own functions
and keeps every intermediate result (targets, implied and target correlations, each attempt's
calibration and acceptance); its accepted answers are exactly the shipped file's.
``answer_shares`` and ``acceptance_table`` show the answers and the acceptance checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from helpers import instrument as ins
from helpers import paper_model, settings, synthetic
from helpers.power import STUDY_N


@dataclass
class Attempt(synthetic.CalibrationAttempt):
    """One attempt of the generator: what ``synthetic.calibration_attempt`` returned, numbered,
    and whether step 5 accepted it."""

    number: int = 0
    accepted: bool = False

    @property
    def answers_moved(self) -> int | None:
        """How many one-step answer moves the calibration made (None if it got stuck)."""
        if self.answers is None:
            return None
        return int(np.abs(self.answers.to_numpy() - self.answers_before_moves.to_numpy()).sum())


@dataclass
class GeneratorWalkthrough:
    """Everything ``synthetic.generate_survey`` computes on the way to the kit's answers."""

    n: int
    targets: dict
    implied_correlations: pd.DataFrame
    target_correlations: pd.DataFrame
    attempts: list[Attempt]

    @property
    def accepted(self) -> Attempt:
        return self.attempts[-1]

    def targets_table(self) -> pd.DataFrame:
        rows = [
            {
                "hypothesis": h.code,
                "path": h.short_path,
                "published_beta": self.targets["betas"][(h.predictor, h.outcome)],
            }
            for h in paper_model.HYPOTHESES
        ]
        return pd.DataFrame(rows).set_index("hypothesis")

    def calibration_table(self) -> pd.DataFrame:
        """Beta of each path and the chi-square at each stage of the accepted attempt."""
        attempt = self.accepted
        stages = {
            "target correlations": self.target_correlations.to_numpy(),
            "answers cut, no correction": _score_covariance(attempt.first_cut),
            "latent correlations corrected": _score_covariance(attempt.answers_before_moves),
            "answers moved (final)": _score_covariance(attempt.answers),
        }
        table = self.targets_table()
        chi = {}
        for stage, covariance in stages.items():
            fit = paper_model.fit_covariances(covariance, self.n)
            table[stage] = [float(fit.path(h.predictor, h.outcome)) for h in paper_model.HYPOTHESES]
            chi[stage] = float(fit.chi_square)
        chi_row = pd.DataFrame(
            [{"path": "model chi-square", "published_beta": self.targets["chi_square"], **chi}],
            index=pd.Index(["χ²"], name="hypothesis"),
        )
        return pd.concat([table, chi_row])

    def attempts_table(self) -> pd.DataFrame:
        rows = [
            {
                "attempt": attempt.number,
                "latent_iterations": len(attempt.latent_gaps),
                "largest_gap_first": attempt.latent_gaps[0],
                "largest_gap_last": attempt.latent_gaps[-1],
                "calibrated": attempt.answers is not None,
                "answers_moved": attempt.answers_moved,
                "accepted": attempt.accepted,
            }
            for attempt in self.attempts
        ]
        return pd.DataFrame(rows).set_index("attempt")


def _score_covariance(answers: pd.DataFrame) -> np.ndarray:
    return np.cov(synthetic.construct_scores(answers), rowvar=False, bias=True)


def generator_walkthrough(seed: int = settings.SEED, n: int | None = None) -> GeneratorWalkthrough:
    """Repeat ``synthetic.generate_survey``'s steps 1-5 and keep the intermediate results.

    Uses the generator's own functions, the same draws in the same order; the accepted attempt's
    answers are the shipped file's (reverse-worded items as scored, i.e. recoded). About a second.
    """
    n = STUDY_N if n is None else n
    goal = synthetic.targets()
    implied = synthetic.implied_correlations(goal["betas"])
    target = synthetic.target_correlations(n, goal["betas"], goal["chi_square"])
    attempts = []
    attempt_seeds = np.random.SeedSequence(seed).spawn(synthetic.MAX_ATTEMPTS)
    for number, attempt_seed in enumerate(attempt_seeds, start=1):
        run = synthetic.calibration_attempt(np.random.default_rng(attempt_seed), n, target, goal)
        accepted = run.answers is not None and synthetic.acceptable(run.answers)
        attempts.append(Attempt(**vars(run), number=number, accepted=accepted))
        if accepted:
            break
    names = list(paper_model.VARIABLES)
    return GeneratorWalkthrough(
        n,
        goal,
        pd.DataFrame(implied, index=names, columns=names),
        pd.DataFrame(target, index=names, columns=names),
        attempts,
    )


def answer_shares(answers: pd.DataFrame, construct_key: str) -> pd.DataFrame:
    """Share (%) of each answer 1-5 for every item of one construct, with the generator's
    typical shares for the construct in the last row."""
    construct = ins.construct(construct_key)
    table = pd.DataFrame(
        {
            column: answers[column].value_counts(normalize=True).reindex(ins.LIKERT_SCALE, fill_value=0.0)
            for column in construct.item_columns
        }
    ).T
    table.loc["generator's typical shares"] = synthetic.ANSWER_SHARES[construct_key]
    table.columns = pd.Index(list(ins.LIKERT_SCALE), name="answer")
    return 100 * table


def acceptance_table(answers: pd.DataFrame) -> pd.DataFrame:
    """The generator's acceptance checks per construct (KS p-value, Cronbach's alpha;
    ``synthetic.acceptance_checks``), with the Shapiro-Wilk p-value the generator does not check
    and the number of distinct values the score takes."""
    scores = synthetic.construct_scores(answers)
    checks = synthetic.acceptance_checks(answers)
    checks.insert(2, "shapiro_p", [stats.shapiro(scores[:, k]).pvalue for k in range(scores.shape[1])])
    checks.insert(3, "distinct_values", [len(np.unique(scores[:, k])) for k in range(scores.shape[1])])
    return checks
