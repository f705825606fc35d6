"""What every section builder reads: the store, the countries, the references, and the
registry-derived frames (computed once, and absent when the store holds no registry data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from cartatlas.report.model import References
from cartatlas.store import Store

if TYPE_CHECKING:
    from cartatlas.report.parts import Parts

INCLUSION_RULE = (
    "CAR trials are the stored registry records that the rule-based classifier labels as testing "
    "a CAR-engineered cell product; a trial counts for every country where it lists a site"
)


@dataclass
class ReportContext:
    store: Store
    countries: list[str]
    refs: References = field(default_factory=References)
    parts: Parts | None = None  # evidence-only parts kept in the store (:mod:`~.parts`)

    @cached_property
    def approvals(self) -> pd.DataFrame:
        """One row per approval in the countries (``approvals.CHOICE_RULE``), read once: three
        sections and the side-by-side table answer from it. Read it, do not modify it."""
        from cartatlas.analyses.approvals import approvals_frame

        return approvals_frame(self.store, self.countries)

    @cached_property
    def has_registry(self) -> bool:
        return self.store.table_exists("reg_study")

    @cached_property
    def snapshots(self) -> pd.DataFrame:
        from cartatlas.store.registry_read import snapshot_info

        return snapshot_info(self.store) if self.has_registry else pd.DataFrame()

    @cached_property
    def trials(self) -> pd.DataFrame:
        """One row per current CAR trial with its labels (the landscape's frame)."""
        from cartatlas.analyses.landscape.data import stored_trial_frame

        frame = stored_trial_frame(self.store)
        return frame[frame["is_car"]].reset_index(drop=True)

    @cached_property
    def sites(self) -> pd.DataFrame:
        from cartatlas.store.registry_read import sites

        car = set(self.trials["nct_id"])
        frame = sites(self.store)
        key = frame["trial_id"]
        return frame[key.isin(car)].reset_index(drop=True)

    @cached_property
    def site_counts(self) -> dict:
        """Per evidence study with registry IDs, its registry sites by country (read once)."""
        from cartatlas.evidence.countries import registry_site_counts

        return registry_site_counts(self.store)

    @cached_property
    def registry_cite(self) -> str:
        """The reference marker for the registry snapshot(s) the registry figures come from."""
        rows = self.snapshots
        parts = [
            f"{row.registry} selection '{row.selection}', snapshot {row.snapshot_date or '?'} "
            f"({row.records} records; imported {str(row.imported_at)[:10]})"
            for row in rows.itertuples()
        ]
        label = "Trial registry data: " + "; ".join(parts) + f". Inclusion rule: {INCLUSION_RULE}."
        return self.refs.cite(None, label=label)

    @property
    def registry_names(self) -> str:
        """The registries the snapshots come from, as readers know them."""
        codes = sorted(set(self.snapshots.get("registry", [])))
        return ", ".join(REGISTRY_NAMES.get(str(c).upper(), str(c)) for c in codes)

    @property
    def uncounted_registers(self) -> str | None:
        """The caveat naming the compared countries' own registers when no WHO ICTRP export
        (which carries them) is loaded; None when one is."""
        from cartatlas.registries.national import uncounted_registers_note

        codes = {str(c).upper() for c in self.snapshots.get("registry", [])}
        return (
            None
            if "ICTRP" in codes
            else uncounted_registers_note(self.countries, self.registry_names)
        )

    def unloaded_beside(self, country: str, count: int) -> str:
        """Beside a 0 from the loaded registries: the country's own registers that were not
        loaded (" (ClinicalTrials.gov only; CTRI not loaded)"), so India's 0 recruiting trials
        does not read as none in India; "" for any other count or when a WHO ICTRP export is
        loaded."""
        from cartatlas.registries.national import registers_of

        if count or not self.uncounted_registers or not (registers := registers_of(country)):
            return ""
        return f" ({self.registry_names} only; {' and '.join(registers)} not loaded)"

    @property
    def snapshot_year(self) -> int | None:
        dates = [str(d) for d in self.snapshots.get("snapshot_date", []) if d]
        return int(max(dates)[:4]) if dates else None

    @property
    def snapshot_dates(self) -> str:
        dates = sorted({str(d) for d in self.snapshots.get("snapshot_date", []) if d})
        return ", ".join(dates) or "unknown date"


REGISTRY_NAMES = {"CTGOV": "ClinicalTrials.gov", "ICTRP": "the WHO ICTRP", "AACT": "AACT"}

NO_REGISTRY = (
    "No data: the store holds no trial-registry records. Load them with "
    "`cartatlas import ../shared/data/ctgov/cart-oncology-2026-08-22.jsonl.gz` (or "
    "`cartatlas sync` for the live ClinicalTrials.gov API), then run `cartatlas classify` and "
    "this report again."
)
