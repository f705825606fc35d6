"""The evidence tables: file, row model, key, and which values must be found in the quote."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from cartatlas.evidence import schema

SOURCE_COLUMNS = tuple(schema.Sourced.model_fields)


@dataclass(frozen=True)
class Table:
    name: str
    model: type[BaseModel]
    key: tuple[str, ...]
    quoted_numbers: tuple[str, ...] = ()
    quoted_dates: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)  # column -> referenced table

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        """Key columns first, then the other values, then the source columns of every table."""
        lead = [name for name in self.key if name not in SOURCE_COLUMNS]
        rest = [n for n in self.model.model_fields if n not in SOURCE_COLUMNS and n not in lead]
        return lead + rest + list(SOURCE_COLUMNS)


TABLES: tuple[Table, ...] = (
    Table("products", schema.Product, key=("product_id",)),
    Table(
        "approvals",
        schema.Approval,
        key=(
            "product_id",
            "agency",
            "indication",
            "line_of_therapy",
            "approval_date",
            "source_url",
        ),
        quoted_dates=("approval_date",),
        references={"product_id": "products"},
    ),
    Table(
        "studies",
        schema.Study,
        key=("study_id",),
        quoted_numbers=("median_follow_up_months",),
        references={"product_id": "products", "overlaps_with": "studies"},
    ),
    Table(
        "outcomes",
        schema.Outcome,
        key=("study_id", "endpoint", "assessor", "analysis", "denominator", "source_url"),
        quoted_numbers=("n", "events", "percent", "follow_up_months"),
        references={"study_id": "studies"},
    ),
    Table(
        "safety",
        schema.Safety,
        key=("study_id", "event", "grade", "grading", "analysis", "source_url"),
        quoted_numbers=("n", "events", "percent"),
        references={"study_id": "studies"},
    ),
    Table(
        "prices",
        schema.Price,
        key=("product_id", "country", "year", "kind", "currency", "source_url"),
        quoted_numbers=("amount",),
        references={"product_id": "products"},
    ),
    Table(
        "exchange_rates",
        schema.ExchangeRate,
        key=("currency", "year", "source_url"),
        quoted_numbers=("per_usd",),
    ),
    Table(
        "ppp", schema.Ppp, key=("country", "year", "source_url"), quoted_numbers=("ppp_per_usd",)
    ),
    Table(
        "centres",
        schema.Centres,
        key=("country", "as_of", "scope", "source_url"),
        quoted_numbers=("count",),
        references={"product_id": "products"},
    ),
    Table(
        "trial_counts",
        schema.TrialCount,
        key=("country", "registry", "as_of", "scope", "source_url"),
        quoted_numbers=("count",),
    ),
)

BY_NAME = {table.name: table for table in TABLES}
