"""A valid survey frame for unit tests, shaped like ``load_survey``'s output.

Characteristics as ordered categoricals, platforms as bool, Likert answers as int 1-5 from one
factor per construct (reverse-worded items answered the other way). ``shared`` > 0 makes the
constructs correlate, as in a path model. test_descriptives checks the construction against
``load_survey`` by writing it to CSV and reading it back.
"""

import numpy as np
import pandas as pd

from helpers import instrument as ins


def make_survey(n: int = 80, seed: int = 7, shared: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    survey = pd.DataFrame(index=pd.Index(np.arange(1, n + 1, dtype="int64"), name=ins.FIRM_ID))
    for characteristic in ins.CHARACTERISTICS:
        survey[characteristic.column] = pd.Categorical(
            rng.choice(characteristic.categories, size=n),
            categories=list(characteristic.categories),
            ordered=True,
        )
    for platform in ins.PLATFORMS:
        survey[platform.column] = rng.random(n) < 0.6
    common = rng.normal(size=n) if shared else np.zeros(n)
    for construct in ins.CONSTRUCTS:
        latent = shared * common + np.sqrt(1 - shared**2) * rng.normal(size=n)
        for item in construct.items:
            answer = 0.8 * latent + 0.6 * rng.normal(size=n)
            answer = -answer if item.reverse else answer
            survey[item.column] = np.clip(np.round(3 + 1.1 * answer), 1, 5).astype("int64")
    return survey
