"""Meta-analysis of proportions that agrees with R's metafor.

Self-contained: imports nothing else from cartatlas. Entry points:

* ``meta_proportions`` - pooled proportion (random/common effect or GLMM), subgroups;
* ``meta_regression`` - categorical and continuous moderators, back-transformed predictions;
* ``leave_one_out``, ``egger_test`` - sensitivity and funnel-asymmetry diagnostics;
* ``forest_plot`` - report-ready forest plot as SVG and PNG;
* ``escalc``, ``back_transform`` - the effect sizes and their inverses.

See docs/stats.md for the methods, references and the agreement with metafor.
"""

from .diagnostics import egger_test, leave_one_out
from .forest import forest_plot
from .glmm import GLMMConvergenceWarning
from .measures import MEASURES, FreemanTukeyWarning, back_transform, escalc
from .metareg import meta_regression
from .proportions import meta_proportions
from .results import (
    BackTransformed,
    EggerResult,
    LeaveOneOutResult,
    MetaRegressionResult,
    MetaResult,
    PredictionTable,
    StudyTable,
    SubgroupResult,
)
from .rma import METHODS, TESTS
from .tau2 import ConvergenceError, Tau2Control

__all__ = [
    "MEASURES",
    "METHODS",
    "TESTS",
    "BackTransformed",
    "ConvergenceError",
    "EggerResult",
    "FreemanTukeyWarning",
    "GLMMConvergenceWarning",
    "LeaveOneOutResult",
    "MetaRegressionResult",
    "MetaResult",
    "PredictionTable",
    "StudyTable",
    "SubgroupResult",
    "Tau2Control",
    "back_transform",
    "egger_test",
    "escalc",
    "forest_plot",
    "leave_one_out",
    "meta_proportions",
    "meta_regression",
]
