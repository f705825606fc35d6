"""Rules a row must pass beyond its own types: quotes, arithmetic, references, duplicates.

``check_evidence`` returns the rows that pass and a problem for every one that does not, so that
``kb check`` can report all of them at once and ``kb load`` can load the rest.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cartatlas.evidence import source_rules
from cartatlas.evidence.jurisdictions import agency_country_problem
from cartatlas.evidence.quotes import (
    date_in_quote,
    landmark_in_quote,
    number_in_quote,
    zero_stated,
    zero_stated_words,
)
from cartatlas.evidence.reading import BUNDLED_DIR, Problem, Row, read_table
from cartatlas.evidence.tables import BY_NAME, TABLES

# (lower, upper): within one study, analysis, assessor and denominator the lower endpoint counts a
# subset of the patients the upper one counts, so it can never have more events.
ENDPOINT_ORDER = (
    ("CR", "ORR"),
    ("CR", "CR_CRi"),
    ("CR_CRi", "ORR"),
    ("sCR", "CR"),
    ("CR", "VGPR_plus"),
    ("VGPR_plus", "ORR"),
    ("MRD_neg_CR", "CR"),
)

# Tables other rows point at, and the column they are pointed at by.
TABLE_KEYS = {"products": "product_id", "studies": "study_id"}


@dataclass
class Evidence:
    """Valid rows by table name, plus every problem found."""

    rows: dict[str, list[Row]]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


# How a count of none printed in words is recorded (docs/evidence-protocol.md).
_ZERO_HINT = "; for none stated in words, name them in note as 0 stated as 'No … occurred'"


def _zero_problem(row: Row) -> Problem | None:
    """A 0 whose note names the quote's words that state it: those words must be there and say
    none. Only called when the note names some."""
    record = row.record
    if zero_stated(record.note, record.source_quote):
        return None
    return Problem(
        row.table.file_name,
        row.line,
        "events",
        f"note names {zero_stated_words(record.note)!r} as stating 0, but source_quote holds no "
        "such words saying none (no, none, zero); quote the source's words exactly or correct "
        "the value",
    )


# A count the quote prints for one cohort: "4 of 9", "n=10/12". Counts of patients have at most
# nine digits: a longer run is no count, and int() refuses one of over 4,300 digits (ValueError),
# which stopped the whole check at one hostile quote.
_COHORT_COUNT = re.compile(r"(?<!\d)(\d{1,9})\s*(?:of|/)\s*(\d{1,9})(?!\d)")


def sums_cohorts(record: object) -> bool:
    """Whether a derived row adds up the cohorts its quote prints (a trial reported dose level by
    dose level): events derived with no percent printed, and n equal to the sum of the quote's
    "x of y" / "x/y" denominators. Its events are then the curator's sum, shown in the note."""
    if not getattr(record, "events_derived", False) or record.percent is not None:
        return False
    counts = _COHORT_COUNT.findall(record.source_quote)
    return len(counts) > 1 and sum(int(total) for _, total in counts) == record.n


# A worst-grade safety table as a quote prints it: "Any grade 53 (45%)", "Grade 3 21 (18%)".
_ANY_GRADE_ROW = re.compile(r"\bany grade (\d{1,9})\b", re.IGNORECASE)
_GRADE_ROW = re.compile(r"\bgrade ([1-5]) (\d{1,9})\b", re.IGNORECASE)


def sums_grades(record: object) -> bool:
    """Whether a derived grade ≥3 row adds up the worst-grade rows its quote prints (a safety
    table "Any grade 53 (45%) … Grade 1 13 … Grade 5 0"): events derived with no percent
    printed, the quote prints the any-grade count once and each of grades 1 to 5 once, those five
    rows add up to the any-grade count (so each patient is counted once, at the worst grade), and
    events are the grade 3, 4 and 5 rows added up. Its events are then the curator's sum, shown in
    the note; a quote holding two events' tables matches twice and is refused."""
    if (
        not getattr(record, "events_derived", False)
        or record.percent is not None
        or getattr(record, "grade", None) != "3plus"
    ):
        return False
    totals = _ANY_GRADE_ROW.findall(record.source_quote)
    rows = [(int(grade), int(count)) for grade, count in _GRADE_ROW.findall(record.source_quote)]
    if len(totals) != 1 or sorted(grade for grade, _ in rows) != [1, 2, 3, 4, 5]:
        return False
    counts = dict(rows)
    return sum(counts.values()) == int(totals[0]) and record.events == sum(
        counts[grade] for grade in (3, 4, 5)
    )


def _quote_problems(row: Row) -> Iterable[Problem]:
    table, record = row.table, row.record
    quote = record.source_quote
    summed = sums_cohorts(record)
    for column in table.quoted_numbers:
        value = row.raw.get(column)
        if (
            value is None
            or (column in ("events", "n") and summed)
            or (column == "events" and record.events_derived)
        ):
            continue
        zero = column == "events" and value == "0"
        if zero and zero_stated_words(record.note):
            if problem := _zero_problem(row):
                yield problem
            continue
        currency_column = table.amount_currency.get(column)
        currency = row.raw.get(currency_column) if currency_column else None
        if not number_in_quote(value.lstrip("<>=≤≥ "), quote, currency=currency):
            yield Problem(
                table.file_name,
                row.line,
                column,
                f"{value} does not appear in source_quote; quote the words that state it "
                "or correct the value" + (_ZERO_HINT if zero else ""),
            )
    for column in table.quoted_landmarks:
        value = row.raw.get(column)
        if value and not landmark_in_quote(int(value), quote):
            yield Problem(
                table.file_name,
                row.line,
                column,
                f"the quote names no {value}-month (or {int(value) / 12:g}-year) time point; "
                "quote the words that state it or correct it",
            )
    for column in table.quoted_dates:
        value = row.raw.get(column)
        if value and not date_in_quote(value, quote):
            yield Problem(
                table.file_name,
                row.line,
                column,
                f"the date {value} does not appear in source_quote at that precision "
                "(e.g. 'August 30, 2017'); quote the words that state it or correct it",
            )


# Words a quote must contain for a recorded claim that has no number to check.
_CLAIM_WORDS = {
    "not_reached": ("not reached", "nr", "not been reached", "not yet reached"),
    "immature": ("immature", "interim", "not mature"),
    "lower_bound": ("more than", "over", "at least", "mehr als", "más de", "oltre", "超", "以上"),
}


def _says(quote: str, word: str) -> bool:
    """Whole-word match for alphabetic words; CJK words have no word boundaries to match."""
    return bool(re.search(rf"\b{re.escape(word)}\b" if word.isascii() else re.escape(word), quote))


def _claim_problems(row: Row) -> Iterable[Problem]:
    """A median recorded as "not reached", a comparison recorded as immature, a count recorded
    as a lower bound or as one region's must say so in its quote, as a number must."""
    record, quote = row.record, row.record.source_quote.lower()
    claims = []
    if getattr(record, "not_reached", False):
        claims.append(("not_reached", "not_reached"))
    if getattr(record, "status", None) == "immature":
        claims.append(("status", "immature"))
    if getattr(record, "lower_bound", False):
        claims.append(("lower_bound", "lower_bound"))
    region = getattr(record, "region", None)
    if region and not _says(quote, region.lower()):
        yield Problem(
            row.table.file_name,
            row.line,
            "region",
            f"the quote does not name {region!r}; quote the words that say what part of the "
            "country was counted, or leave region empty for the whole country",
        )
    for column, claim in claims:
        words = _CLAIM_WORDS[claim]
        if not any(_says(quote, w) for w in words):
            yield Problem(
                row.table.file_name,
                row.line,
                column,
                f"the quote does not say {words[0]!r}; quote the words that state it",
            )


def _count_problems(row: Row) -> Iterable[Problem]:
    """events ≤ n, and a printed percentage must equal events / n to its printed precision."""
    record, name = row.record, row.table.file_name
    if not hasattr(record, "events"):
        return
    if record.events > record.n:
        yield Problem(
            name,
            row.line,
            "events",
            f"events {record.events} exceed n {record.n}; check both against the source",
        )
        return
    if (
        record.events_derived
        and record.percent is None
        and not (sums_cohorts(record) or sums_grades(record))
    ):
        yield Problem(
            name,
            row.line,
            "events_derived",
            "events can only be derived when the source's percent is recorded, by adding up "
            "cohorts whose 'x of y' counts the quote prints and whose denominators sum to n, or, "
            "for grade ≥3, by adding up the grade 3, 4 and 5 rows of a table the quote prints "
            "whole (grades 1 to 5 adding up to its any-grade count)",
        )
        return
    if record.percent is None:
        return
    printed = row.raw["percent"]
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    tolerance = 0.5 * 10**-decimals + 1e-9
    actual = 100 * record.events / record.n
    if abs(actual - record.percent) > tolerance:
        yield Problem(
            name,
            row.line,
            "percent",
            f"{printed}% is not events/n = {record.events}/{record.n} = {actual:.1f}% "
            "within rounding; the percentage may use another denominator",
        )


def _duplicates(rows: list[Row]) -> Iterable[tuple[Row, str]]:
    seen: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row.raw.get(column) for column in row.table.key)
        if key in seen:
            yield (
                row,
                f"duplicate key ({', '.join(row.table.key)}) already used at line {seen[key]}",
            )
        else:
            seen[key] = row.line


# (file, line, key as written in messages) of the rejected row (or file) a dependent needs
Root = tuple[str, int | None, str]
ANY_KEY = "*"  # stands for every key of a table whose file could not be read


def _references(
    rows: dict[str, list[Row]], rejected: set[tuple[str, int]], failed: dict[str, dict[str, Root]]
) -> tuple[list[tuple[Row, str, str]], dict[Root, list[Row]]]:
    """Unknown references, and the rows left out because a row they point at was rejected.

    ``failed`` maps a table's rejected keys to the rejected row (the root cause). A row that
    points at one is rejected too, filed under that root, and in turn makes its own key fail
    (a product → its studies → their outcomes), until nothing changes. So a bad row is reported
    once, with the count of rows waiting for it, instead of as a cascade of "unknown" errors.
    """
    unknown: list[tuple[Row, str, str]] = []
    waiting: dict[Root, list[Row]] = defaultdict(list)
    changed = True
    while changed:
        changed = False
        valid = {
            name: {r.raw[column] for r in rows[name] if (name, r.line) not in rejected}
            for name, column in TABLE_KEYS.items()
        }
        for table_rows in rows.values():
            for row in table_rows:
                if (row.table.name, row.line) in rejected:
                    continue
                for column, target in row.table.references.items():
                    value = row.raw.get(column)
                    if not value or value in valid.get(target, set()):
                        continue
                    rejected.add((row.table.name, row.line))
                    changed = True
                    keys = failed.get(target, {})
                    root = keys.get(value, keys.get(ANY_KEY))
                    if root is None:
                        unknown.append(
                            (row, column, f"unknown {column} {value!r}: it is not in {target}.csv")
                        )
                    else:
                        waiting[root].append(row)
                        own = TABLE_KEYS.get(row.table.name)
                        if own and row.raw.get(own):
                            failed.setdefault(row.table.name, {})[row.raw[own]] = root
                    break
    return unknown, waiting


def _failed_keys(
    rows: dict[str, list[Row]], rejected: set[tuple[str, int]], problems: list[Problem]
) -> dict[str, dict[str, Root]]:
    """Per referenced table, the keys no valid row carries any more, each with its root cause:
    a row that failed its model, a row rejected by a later rule (not a duplicate of a valid
    one), or — for every key — the problem that stopped the whole file being read."""
    failed: dict[str, dict[str, Root]] = defaultdict(dict)
    for name, column in TABLE_KEYS.items():
        file = BY_NAME[name].file_name
        whole = next((p for p in problems if p.file == file and p.field is None), None)
        if not rows[name] and whole:
            failed[name][ANY_KEY] = (file, whole.line, f"rows of {file}")
            continue
        for problem in problems:
            if problem.file == file and problem.key:
                failed[name].setdefault(problem.key, (file, problem.line, repr(problem.key)))
        kept = {r.raw.get(column) for r in rows[name] if (name, r.line) not in rejected}
        for row in rows[name]:
            key = row.raw.get(column)
            if (name, row.line) in rejected and key and key not in kept:
                failed[name].setdefault(key, (file, row.line, repr(key)))
    return failed


def _waiting_problem(root: Root, dependents: list[Row]) -> Problem:
    by_file: dict[str, list[str]] = defaultdict(list)
    for row in sorted(dependents, key=lambda r: (_table_order(r.table.file_name), r.line)):
        by_file[row.table.file_name].append(str(row.line))
    where = "; ".join(
        f"{name} line{'s' if len(lines) > 1 else ''} {', '.join(lines)}"
        for name, lines in by_file.items()
    )
    file, line, key = root
    return Problem(
        file,
        line,
        None,
        f"{len(dependents)} row(s) that refer to {key} are left out until this is fixed ({where})",
    )


def _overlap_cycles(studies: list[Row]) -> Iterable[tuple[Row, str]]:
    """``overlaps_with`` points from a later report to the earlier one it repeats, so following
    it must end; a row naming itself, or a chain that comes back (A → B → A), would drop every
    study of the cycle from the pools."""
    target = {r.raw["study_id"]: r.raw.get("overlaps_with") for r in studies}
    by_id = {r.raw["study_id"]: r for r in studies}
    for study_id, row in by_id.items():
        path = [study_id]
        current = target.get(study_id)
        while current and current in target and current not in path:
            path.append(current)
            current = target.get(current)
        if current == study_id:
            chain = " → ".join([*path, study_id])
            message = (
                "overlaps_with names the study itself"
                if len(path) == 1
                else f"overlaps_with forms a cycle ({chain})"
            )
            yield row, f"{message}; point the later report at the earlier one only"


def _order_problems(
    rows: list[Row], group_by: tuple[str, ...], level: str, order: Iterable[tuple[str, str]]
) -> Iterable[tuple[Row, str]]:
    groups: dict[tuple, dict[str, Row]] = defaultdict(dict)
    for row in rows:
        groups[tuple(row.raw.get(c) for c in group_by)][row.raw[level]] = row
    for group in groups.values():
        for lower, upper in order:
            if lower in group and upper in group:
                low, high = group[lower], group[upper]
                if low.record.events > high.record.events:
                    yield (
                        low,
                        (
                            f"{lower} events {low.record.events} exceed {upper} events "
                            f"{high.record.events} (line {high.line}) in the same analysis"
                        ),
                    )


def check_evidence(directory: Path = BUNDLED_DIR) -> Evidence:
    """Read and check every table in ``directory``; a file that is missing, empty or
    unreadable is a problem (and an empty table)."""
    rows: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    for table in TABLES:
        table_rows, table_problems = read_table(directory, table)
        problems.extend(table_problems)
        rows[table.name] = table_rows
    rejected: set[tuple[str, int]] = set()

    def reject(row: Row, column: str | None, message: str) -> None:
        problems.append(Problem(row.table.file_name, row.line, column, message))
        rejected.add((row.table.name, row.line))

    for table_rows in rows.values():
        for row in table_rows:
            for problem in (*_quote_problems(row), *_claim_problems(row), *_count_problems(row)):
                problems.append(problem)
                rejected.add((row.table.name, row.line))
        for row, message in _duplicates(table_rows):
            reject(row, None, message)
    for row, message in _overlap_cycles(rows["studies"]):
        reject(row, "overlaps_with", message)
    _check_sources(rows, reject)
    for row, message in _population_problems(rows["studies"]):
        reject(row, "population_group", message)
    for row, message in _agency_country_problems(rows):
        reject(row, "country", message)
    failed = _failed_keys(rows, rejected, problems)
    unknown, waiting = _references(rows, rejected, failed)
    for row, column, message in unknown:
        reject(row, column, message)
    problems.extend(_waiting_problem(root, dependents) for root, dependents in waiting.items())
    outcome_group = ("study_id", "analysis", "assessor", "denominator", "n")
    for row, message in _order_problems(
        rows["outcomes"], outcome_group, "endpoint", ENDPOINT_ORDER
    ):
        reject(row, "events", message)
    safety_group = ("study_id", "event", "grading", "analysis", "n")
    for row, message in _order_problems(rows["safety"], safety_group, "grade", [("3plus", "any")]):
        reject(row, "events", message)

    valid = {
        name: [r for r in table_rows if (name, r.line) not in rejected]
        for name, table_rows in rows.items()
    }
    problems.sort(key=lambda p: (_table_order(p.file), p.line or 0))
    return Evidence(valid, problems)


def _check_sources(rows: dict[str, list[Row]], reject) -> None:  # type: ignore[no-untyped-def]
    """The source rules (``source_rules.py``): hosts, paper IDs, what a weak row without them
    derives from, approval sources, conflicts, and one kind per publisher."""
    for name, table_rows in rows.items():
        for row in table_rows:
            for column, message in (
                *source_rules.host_problems(row),
                *source_rules.paper_id_problems(row),
                *source_rules.derivation_problems(row),
            ):
                reject(row, column, message)
        for row, message in source_rules.conflicting_count_problems(name, table_rows):
            reject(row, "events", message)
    for row, message in source_rules.approval_source_problems(rows["approvals"]):
        reject(row, "source_kind", message)
    every_row = (row for table_rows in rows.values() for row in table_rows)
    for row, message in source_rules.mixed_kind_problems(every_row):
        reject(row, "source_kind", message)


# Words in a study's name or line of therapy that mark a population pooled apart, with the
# population group they suggest (B-ALL's CNS disease is leukaemia, a lymphoma's is lymphoma).
_SPECIAL_WORDS = (
    (re.compile(r"\bP?CNS(L)?\b|central nervous", re.I), "cns"),
    (
        re.compile(r"after (prior |murine )?CD19|CAR-?T failure|post-(CAR|CD19)|CAR-exposed", re.I),
        "after_cd19_therapy",
    ),
    (re.compile(r"extramedullary", re.I), "isolated_extramedullary"),
)


def _population_problems(studies: list[Row]) -> Iterable[tuple[Row, str]]:
    """A study left to the default population group (``standard``, pooled) whose own name or
    line of therapy names a population the pools leave out: the curator must decide."""
    for row in studies:
        if row.raw.get("population_group"):
            continue  # stated by the curator, standard or not
        text = f"{row.raw.get('name', '')} {row.raw.get('line_of_therapy', '')}"
        for pattern, group in _SPECIAL_WORDS:
            if found := pattern.search(text):
                if group == "cns":
                    leukaemia = row.raw.get("indication") in ("B-ALL", "CLL")
                    group = "cns_leukaemia" if leukaemia else "cns_lymphoma"
                yield (
                    row,
                    f"empty (standard, pooled), but the name or line of therapy says "
                    f"{found[0]!r}; write {group} to show the cohort apart from the pools, or "
                    "standard if its reported rows are of the standard population",
                )
                break


def _agency_country_problems(rows: dict[str, list[Row]]) -> Iterable[tuple[Row, str]]:
    """An approval or regulatory action filed under a country its agency does not serve."""
    for table in ("approvals", "regulatory_actions"):
        for row in rows[table]:
            agency, country = row.raw.get("agency") or "", row.raw.get("country") or ""
            message = agency_country_problem(agency, country)
            if message:
                yield row, message


def _table_order(file_name: str) -> int:
    names = [t.file_name for t in TABLES]
    return names.index(file_name) if file_name in names else len(names)
