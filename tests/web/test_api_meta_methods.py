"""/api/meta takes every τ² estimator the statistics library fits, as `cartatlas meta --method`
does: the API spells the list out (serving loads no statistics library), so this keeps the two
equal, and one of the estimators added with the held-out metafor set answers."""

from __future__ import annotations

from typing import get_args

from cartatlas.stats.tau2 import ESTIMATORS
from cartatlas.web.api.meta import Method


def test_the_api_lists_every_estimator_the_library_fits():
    assert set(get_args(Method)) == {"auto", "GLMM", "CE", *ESTIMATORS}


def test_a_newer_estimator_answers(client):
    answer = client.get("/api/meta", params={"indication": "MM", "method": "PMM"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["query"]["method"] == "PMM"
