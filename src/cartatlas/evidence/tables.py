"""The evidence tables: file, row model, key, and which values must be found in the quote."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from cartatlas.evidence import schema

SOURCE_COLUMNS = tuple(schema.Sourced.model_fields)
# Source columns only result tables have (studies, outcomes, safety, survival, comparisons).
RESULT_COLUMNS = tuple(n for n in schema.Result.model_fields if n not in SOURCE_COLUMNS)


@dataclass(frozen=True)
class Table:
    name: str
    model: type[BaseModel]
    key: tuple[str, ...]
    quoted_numbers: tuple[str, ...] = ()
    quoted_dates: tuple[str, ...] = ()
    # Landmark times in months, found in the quote as months ("24-month") or years ("2-year").
    quoted_landmarks: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)  # column -> referenced table
    # Amounts of money -> the column naming their currency, so the quote check reads a euro
    # amount as European sources print it ("327.000 €").
    amount_currency: dict[str, str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        """Key columns first, then the other values, then the source columns of every table and,
        on result tables, what a weak row's value derives from (beside its source)."""
        source = [n for n in (*SOURCE_COLUMNS, *RESULT_COLUMNS) if n in self.model.model_fields]
        lead = [name for name in self.key if name not in source]
        rest = [n for n in self.model.model_fields if n not in source and n not in lead]
        return lead + rest + source


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
        key=(
            "study_id",
            "endpoint",
            "assessor",
            "analysis",
            "denominator",
            "subgroup",
            "source_url",
        ),
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
        "survival",
        schema.Survival,
        key=(
            "study_id",
            "endpoint",
            "statistic",
            "landmark_months",
            "arm",
            "assessor",
            "analysis",
            "source_url",
        ),
        quoted_numbers=("value", "ci_low", "ci_high", "n", "n_at_risk", "follow_up_months"),
        quoted_landmarks=("landmark_months",),
        references={"study_id": "studies"},
    ),
    Table(
        "comparisons",
        schema.Comparison,
        key=("study_id", "endpoint", "analysis", "source_url"),
        quoted_numbers=(
            "hr",
            "ci_low",
            "ci_high",
            "p_value",
            "n_car_t",
            "n_control",
            "crossover_percent",
            "follow_up_months",
        ),
        references={"study_id": "studies"},
    ),
    Table(
        "prices",
        schema.Price,
        key=("product_id", "country", "year", "kind", "currency", "source_url"),
        quoted_numbers=("amount",),
        references={"product_id": "products"},
        amount_currency={"amount": "currency"},
    ),
    Table(
        "exchange_rates",
        schema.ExchangeRate,
        key=("currency", "year", "source_url"),
        quoted_numbers=("per_usd", "usd_per_unit"),
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
        "regulatory_actions",
        schema.RegulatoryAction,
        key=("agency", "action_date", "action", "scope", "source_url"),
        quoted_numbers=(
            "monitoring_weeks_before",
            "monitoring_weeks_after",
            "driving_weeks_before",
            "driving_weeks_after",
        ),
        quoted_dates=("action_date",),
    ),
    Table(
        "coverage",
        schema.Coverage,
        key=("country", "product_id", "payer", "scheme", "effective_date", "source_url"),
        quoted_numbers=("patients_treated", "patients_eligible", "out_of_pocket_amount"),
        quoted_dates=("effective_date", "patients_as_of"),
        references={"product_id": "products"},
        amount_currency={"out_of_pocket_amount": "out_of_pocket_currency"},
    ),
    Table(
        "trial_counts",
        schema.TrialCount,
        key=("country", "registry", "as_of", "scope", "source_url"),
        quoted_numbers=("count",),
    ),
)

BY_NAME = {table.name: table for table in TABLES}
