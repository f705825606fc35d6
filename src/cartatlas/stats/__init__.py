"""Meta-analysis of proportions and generic effect sizes that agrees with R's metafor.

Self-contained: imports nothing else from cartatlas. Entry points:

* ``meta_proportions`` - pooled proportion (random/common effect or GLMM), subgroups;
* ``meta_generic`` - pooled effect sizes given with standard errors (log hazard ratios), with
  ``hr_to_log``; ``meta_landmark`` pools landmark survival rates on the logit scale;
* ``meta_regression`` - categorical and continuous moderators, back-transformed predictions;
* ``leave_one_out``, ``egger_test`` - sensitivity and funnel-asymmetry diagnostics;
* ``forest_plot`` - report-ready forest plot as SVG and PNG;
* ``escalc``, ``back_transform`` - the effect sizes and their inverses.

See docs/stats.md for the methods, references and the agreement with metafor.
"""

from .diagnostics import egger_test, leave_one_out
from .forest import forest_plot
from .generic import hr_to_log, logit_from_interval, meta_generic, meta_landmark
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
    "hr_to_log",
    "leave_one_out",
    "logit_from_interval",
    "meta_generic",
    "meta_landmark",
    "meta_proportions",
    "meta_regression",
]
