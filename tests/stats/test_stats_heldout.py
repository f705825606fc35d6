"""The held-out metafor set (reference/make_heldout.R): a few hundred seeded random data sets
(k = 1 ... 100, tau^2 from 0 to huge, standard errors from 1e-3 to 10, identical, large and
tiny effects, rounded hazard-ratio triples, proportions with 0 and n events), each fitted with
every estimator x test (all 15 method names rma.uni takes without extra arguments x z, t, knha,
adhoc for effect sizes), against meta_generic, hr_to_log and meta_proportions.

Every field metafor reports is compared at the tolerance of the other parity tests, and the
conditions are compared too: where metafor stops with an error cartatlas must raise
ConvergenceError, and every metafor warning must have its cartatlas counterpart (and no
cartatlas warning may appear that metafor does not give), so a fit never silently differs.
One test per data set keeps the collection fast; a failure lists every mismatching case.
"""

from __future__ import annotations

import json
import warnings
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from stats_parity import RMA_RTOL, as_array, deviations
from test_stats_pooled import pooled_values

from cartatlas.stats import (
    ConvergenceError,
    FreemanTukeyWarning,
    MetaResult,
    hr_to_log,
    meta_generic,
    meta_proportions,
)

HELDOUT = Path(__file__).parent / "reference" / "metafor_heldout.json"

# metafor's warning (start of the message) -> the cartatlas warning that must accompany it.
WARNINGS = {
    "Ratio of largest to smallest sampling variance": "largest to smallest sampling variance",
    "Knapp & Hartung method is not meant": "Knapp-Hartung is not meant",
    'Setting argument test="z" since k=1': "because k = 1",
    "Fisher scoring algorithm may have gotten stuck": "local maximum",
}


@cache
def heldout() -> dict[str, Any]:
    return json.loads(HELDOUT.read_text())


def _by_dataset(family: str) -> dict[str, list[dict[str, Any]]]:
    groups = defaultdict(list)
    for case in heldout()[family]:
        groups[f"{case['dataset']}-{case.get('measure', 'GEN')}"].append(case)
    return dict(groups)


GENERIC = _by_dataset("generic")
PROPORTIONS = _by_dataset("proportions")


def _generic_inputs(name: str) -> tuple[np.ndarray, np.ndarray]:
    d = heldout()["generic_datasets"][name]
    if "hr" in d:
        return hr_to_log(
            as_array(d["hr"]), as_array(d["lo"]), as_array(d["hi"]), as_array(d["level"])[0]
        )
    return as_array(d["yi"]), as_array(d["sei"])


def expected_values(case: dict[str, Any]) -> dict[str, Any]:
    """metafor's values of a fitted case, by field name."""
    return dict(zip(heldout()["fields"], case["values"], strict=True))


def fit_case(case: dict[str, Any]) -> MetaResult:
    level = case.get("level", 95)
    if "measure" in case:
        d = heldout()["proportion_datasets"][case["dataset"]]
        return meta_proportions(
            as_array(d["events"]),
            as_array(d["n"]),
            case["measure"],
            case["method"],
            case["test"],
            level=level,
        )
    yi, sei = _generic_inputs(case["dataset"])
    return meta_generic(yi, sei, case["method"], case["test"], level=level)


def _warning_problems(case: dict[str, Any], ours: list[str]) -> list[str]:
    theirs = case.get("warnings", [])
    theirs = [theirs] if isinstance(theirs, str) else theirs
    expected = [
        ours_text
        for prefix, ours_text in WARNINGS.items()
        if any(w.startswith(prefix) for w in theirs)
    ]
    problems = [
        f"metafor warns {theirs}, cartatlas does not ({want!r})"
        for want in expected
        if not any(want in w for w in ours)
    ]
    problems += [
        f"cartatlas warns {w!r}, metafor does not"
        for w in ours
        if not any(want in w for want in expected)
    ]
    unknown = [w for w in theirs if not any(w.startswith(p) for p in WARNINGS)]
    problems += [f"metafor warning not mapped in WARNINGS: {w!r}" for w in unknown]
    return problems


def case_problems(case: dict[str, Any]) -> list[str]:
    """Every difference between cartatlas and metafor for one case (empty when they agree)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", FreemanTukeyWarning)  # advice metafor does not give
        try:
            result = fit_case(case)
        except ConvergenceError as exc:
            if "error" in case:
                return []
            return [f"cartatlas raises ConvergenceError({exc}), metafor fits"]
    if "error" in case:
        return [f"metafor stops ({case['error']!r}), cartatlas returns a result"]
    problems = _warning_problems(case, [str(w.message) for w in caught])
    actual = pooled_values(result)
    for field, want in expected_values(case).items():
        dev = deviations(actual[field], want)
        if np.any(dev > RMA_RTOL):
            problems.append(f"{field}: cartatlas {actual[field]!r}, metafor {want!r}")
    return problems


def _check_all(cases: list[dict[str, Any]]) -> None:
    report = []
    for case in cases:
        for problem in case_problems(case):
            label = f"{case['method']}/{case['test']}/level {case.get('level', 95)}"
            report.append(f"{label}: {problem}")
    assert not report, "\n".join(report)


@pytest.mark.parametrize("name", sorted(GENERIC))
def test_meta_generic_matches_metafor(name):
    _check_all(GENERIC[name])


@pytest.mark.parametrize("name", sorted(PROPORTIONS))
def test_meta_proportions_matches_metafor(name):
    _check_all(PROPORTIONS[name])


HR_SETS = [n for n, d in heldout()["generic_datasets"].items() if "hr" in d]


@pytest.mark.parametrize("name", HR_SETS)
def test_hr_to_log_matches_r(name):
    d = heldout()["generic_datasets"][name]
    yi, sei = _generic_inputs(name)
    assert np.allclose(yi, as_array(d["yi"]), rtol=1e-12, atol=0)
    assert np.allclose(sei, as_array(d["sei"]), rtol=1e-12, atol=0)


def test_the_set_is_large_and_varied():
    core = {"FE", "EE", "DL", "REML", "ML", "PM", "HE", "HS", "HSk", "SJ", "EB"}
    every = core | {"DLIT", "SJIT", "MP", "PMM"}  # every rma.uni method without extra arguments
    generic = {(c["method"], c["test"]) for c in heldout()["generic"]}
    assert generic == {(m, t) for m in every for t in ("z", "t", "knha", "adhoc")}
    proportions = {(c["method"], c["test"]) for c in heldout()["proportions"]}
    assert proportions == {(m, t) for m in core for t in ("z", "t", "knha")}
    sizes = {len(as_array(d["yi"])) for d in heldout()["generic_datasets"].values()}
    assert sizes >= {1, 2, 3, 5, 10, 30, 100}
    assert len(heldout()["generic_datasets"]) >= 150
    events = [as_array(d["events"]) for d in heldout()["proportion_datasets"].values()]
    ns = [as_array(d["n"]) for d in heldout()["proportion_datasets"].values()]
    assert any((e == 0).any() for e in events)
    assert any((e == n).any() for e, n in zip(events, ns, strict=True))
