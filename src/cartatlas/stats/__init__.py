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

from importlib import import_module

# Each name is imported from its module on first use (PEP 562): importing the package for one
# estimator does not load statsmodels' diagnostics or matplotlib's forest plot.
_WHERE = {
    "egger_test": "diagnostics",
    "leave_one_out": "diagnostics",
    "forest_plot": "forest",
    "hr_to_log": "generic",
    "logit_from_interval": "generic",
    "meta_generic": "generic",
    "meta_landmark": "generic",
    "GLMMConvergenceWarning": "glmm",
    "MEASURES": "measures",
    "FreemanTukeyWarning": "measures",
    "back_transform": "measures",
    "escalc": "measures",
    "meta_regression": "metareg",
    "meta_proportions": "proportions",
    "BackTransformed": "results",
    "EggerResult": "results",
    "LeaveOneOutResult": "results",
    "MetaRegressionResult": "results",
    "MetaResult": "results",
    "PredictionTable": "results",
    "StudyTable": "results",
    "SubgroupResult": "results",
    "METHODS": "rma",
    "TESTS": "rma",
    "ConvergenceError": "tau2",
    "Tau2Control": "tau2",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
