"""Figures of the evidence analyses written to files on request."""

from __future__ import annotations

from pathlib import Path

from cartatlas.analyses.study_rows import ENDPOINTS, code_names
from cartatlas.analyses.success_rates import CountryPooling
from cartatlas.wording import pvalue


def forest_title(pooling: CountryPooling) -> str:
    """Endpoint, indication and countries: a plot read on its own still names its context."""
    label = ENDPOINTS[pooling.endpoint].label
    return (
        f"{label.capitalize()} ({code_names(pooling.rows['code'])}), {pooling.indication}, "
        f"by country of conduct ({' vs '.join(pooling.countries)})"
    )


def subgroup_test_note(pooling: CountryPooling) -> str:
    """Which test for a difference between countries the forest plot prints, and the other one:
    the plot prints the test the text reports (separate τ² per country, the model of the pooled
    diamonds drawn); the common-τ² variant is named here as a sensitivity check, so two
    p-values never stand side by side without saying which one is the answer. "" without
    subgroups."""
    result = pooling.result
    if result is None or result.subgroups is None:
        return ""
    sub = result.subgroups
    return (
        f"Test for a difference between countries, the one the text reports (and the static "
        f"forest plot prints): Q-test for subgroup differences with a separate τ² per country "
        f"({pvalue(sub.q_between_p)}), the model of the pooled rates drawn. Sensitivity check, "
        f"not the answer: the same test with one common τ² for all countries gives "
        f"{pvalue(sub.qm_p)}; it assumes every country's studies vary as much as the others'."
    )


def forest_for(pooling: CountryPooling, path: Path, names: dict[str, str]) -> list[Path]:
    """Write the forest plot of a country pooling (``forest_targets`` says which files), each
    study named as ``names`` (``study_labels``) gives, and return the files written. Raises
    ValueError for an unsupported format or when no model could be fitted (a single study per
    country has no pooled diamond)."""
    from cartatlas.stats import forest_plot  # matplotlib: only when a figure is asked for
    from cartatlas.stats.forest import forest_targets

    targets = forest_targets(path)
    if pooling.result is None:
        raise ValueError(f"no forest plot: {pooling.method_note}")
    label = ENDPOINTS[pooling.endpoint].label
    forest_plot(
        pooling.result,
        path,
        title=forest_title(pooling),
        xlabel=label.capitalize(),
        percent=True,
        common_tau2_test=False,
        names=names,
    )
    return targets
