"""The landscape figure: trials started per year by country, and yearly shares by kind."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from cartatlas.analyses.landscape.counts import ALL  # noqa: E402

_SHARES = (
    ("allogeneic", "Allogeneic"),
    ("solid", "Solid tumour"),
    ("autoimmune", "Autoimmune"),
    ("in_vivo", "In vivo"),
)


def plot(shares: pd.DataFrame, path: Path, title: str, first_year: int = 2012) -> Path:
    """Top: trials by start year per country. Bottom: yearly shares (2+ trials a year)."""
    data = shares[(shares["country"] != ALL) & (shares["start_year"] >= first_year)]
    countries = sorted(data["country"].unique())
    fig, axes = plt.subplots(
        1 + len(_SHARES),
        1,
        figsize=(8, 12),
        sharex=True,
        gridspec_kw={"height_ratios": [2] + [1] * len(_SHARES)},
    )
    for country in countries:
        rows = data[data["country"] == country]
        axes[0].plot(rows["start_year"], rows["trials"], marker="o", label=country)
        enough = rows[rows["trials"] >= 2]
        for ax, (column, label) in zip(axes[1:], _SHARES, strict=True):
            ax.plot(enough["start_year"], enough[column] * 100, marker=".", label=country)
            ax.set_ylabel(f"{label} %")
            ax.set_ylim(0, 100)
    axes[0].set_ylabel("CAR trials started")
    axes[0].set_title(title)
    axes[0].legend()
    axes[-1].set_xlabel("Start year (sites' countries; multi-country trials in each)")
    for ax in axes:
        ax.grid(alpha=0.3)
    with warnings.catch_warnings():  # "tight layout not applied" is no news to the reader
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
