"""Pooled estimates against metafor's rma.uni / confint / predict for every measure x method x
test on every reference data set (0 and n events, k = 1, 2, 3, identical studies, strong
heterogeneity, rare events, k = 40)."""

from __future__ import annotations

import pytest
from stats_parity import RMA_RTOL, case_id, compare, dataset, reference

from cartatlas.stats import MetaResult, meta_proportions

POOLED_FIELDS = [
    "estimate",
    "se",
    "stat",
    "pval",
    "ci_low",
    "ci_high",
    "df",
    "tau2",
    "tau2_ci_low",
    "tau2_ci_high",
    "i2",
    "i2_ci_low",
    "i2_ci_high",
    "h2",
    "h2_ci_low",
    "h2_ci_high",
    "q",
    "q_p",
    "pi_low",
    "pi_high",
]


def pooled_values(res: MetaResult) -> dict[str, float]:
    values = {name: getattr(res, name) for name in POOLED_FIELDS}
    values.update({f"bt_{k}": v for k, v in res.backtransformed().to_dict().items()})
    return values


CASES = reference()["pooled"]


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_metafor(case):
    d = dataset(case["dataset"])
    res = meta_proportions(
        d["events"], d["n"], case["measure"], case["method"], case["test"], level=case["level"]
    )
    problems = compare(pooled_values(res), case["expected"], RMA_RTOL)
    assert not problems, "\n".join(problems)


def test_every_combination_is_covered():
    combos = {(c["measure"], c["method"], c["test"]) for c in CASES}
    assert len(combos) == 4 * 8 * 3
    assert {c["dataset"] for c in CASES} >= {
        "pritz1997",
        "zeros",
        "all_events",
        "k1",
        "k2",
        "identical",
        "strong_heterogeneity",
    }
