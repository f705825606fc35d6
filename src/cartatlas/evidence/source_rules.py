"""Rules about where a row's value comes from: rules a professional reviewer applies first.

Kept apart from ``checks.py`` (quotes, arithmetic, references) because they judge the source,
not the value: the host a URL points at, the identifiers a paper must carry (and, for a weak
result row without them, what its value derives from), the kind of source an approval may rest
on, and two rows that report the same count differently.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from urllib.parse import urlparse

from cartatlas.evidence.reading import Row
from cartatlas.evidence.source_strength import (
    APPROVAL_KINDS,
    PAPER_KINDS,
    RESULT_TABLES,
    lacks_identifier,
)

# A host label that names a build, staging or test copy of a site ("staging.", "preview-www.",
# "develop-abc123.", "mimsdev."), and hosting platforms that serve only such builds.
_NON_PUBLIC_LABEL = re.compile(
    r"(^|-)(staging|stage|dev|develop|development|preview|test|testing|qa|uat|sandbox)(-|$)"
    r"|dev$"
)
_BUILD_HOSTS = ("platformsh.site",)

# Hosts whose pages are papers (journals, PubMed, PubMed Central, DOI resolver).
PAPER_HOSTS = (
    "ncbi.nlm.nih.gov",
    "europepmc.org",
    "doi.org",
    "ashpublications.org",
    "ashpublications.net",
    "nejm.org",
    "thelancet.com",
    "ascopubs.org",
    "jamanetwork.com",
    "nature.com",
    "sciencedirect.com",
    "wiley.com",
    "springer.com",
    "biomedcentral.com",
    "aacrjournals.org",
    "bmj.com",
    "frontiersin.org",
    "mdpi.com",
    "cell.com",
    "tandfonline.com",
    "karger.com",
    "haematologica.org",
    "oup.com",
    "plos.org",
)

URL_COLUMNS = ("source_url", "retrieved_from")

# Columns that say which count two rows report, per table: two rows that agree on all of them
# (and on n) must agree on events.
SAME_COUNT = {
    "outcomes": ("study_id", "endpoint", "assessor", "analysis", "denominator", "n"),
    "safety": ("study_id", "event", "grade", "analysis", "n"),
}


def host_problem(url: str) -> str | None:
    """Why no reviewer accepts a page at ``url``'s host, or None when the host is acceptable."""
    host = (urlparse(url).hostname or "").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"{host} is an IP address, not a publisher's site"
    labels = host.split(".")
    if any("proxy" in part for part in labels):
        return f"{host} is a web proxy, not the publisher's site"
    if any(_NON_PUBLIC_LABEL.search(part) for part in labels[:-1]) or host.endswith(_BUILD_HOSTS):
        return f"{host} is a staging, development, preview or test copy of a site"
    return None


def host_problems(row: Row) -> Iterable[tuple[str, str]]:
    """(column, message) for each source address on a host no reviewer accepts."""
    for column in URL_COLUMNS:
        url = row.raw.get(column)
        if url and (reason := host_problem(url)):
            yield (
                column,
                f"{reason}; cite the canonical page (https://doi.org/…, PubMed, the regulator, "
                "the label or the manufacturer) and keep a mirror only in retrieved_from",
            )


def paper_id_problems(row: Row) -> Iterable[tuple[str, str]]:
    """A journal article or conference abstract (by kind, or by a paper host) names its DOI/PMID."""
    record = row.record
    if record.doi or record.pmid:
        return
    host = urlparse(record.source_url).hostname or ""
    if record.source_kind in PAPER_KINDS:
        yield (
            "doi",
            f"the source is a {_words(record.source_kind)}; give its DOI or PMID (the paper's "
            "page or PubMed shows it), or cite another kind of source",
        )
    elif any(host == domain or host.endswith("." + domain) for domain in PAPER_HOSTS):
        yield ("doi", f"the source is a paper ({host}); give its DOI or PMID")


def derivation_problems(row: Row) -> Iterable[tuple[str, str]]:
    """A result row on a news or secondary page without DOI or PMID says what its value derives
    from, so that `kb sources` tells the journal papers still to identify (issue #14) apart
    from meeting abstracts, approval data and pages that do not say."""
    record = row.record
    if row.table.name in RESULT_TABLES and lacks_identifier(record) and not record.derived_from:
        yield (
            "derived_from",
            f"the source is a {_words(record.source_kind)} page that names no DOI or PMID; say "
            "what its value derives from, as the row's quote, note and page show it: journal, "
            "conference_abstract, approval (a regulator's, the label's or the company's data "
            "behind an approval) or unnamed (the page does not say)",
        )


def approval_source_problems(rows: list[Row]) -> Iterable[tuple[Row, str]]:
    """Every approval needs a regulator, label or company-release row; news only beside one.

    No exception: an approval that only news or secondary pages report is not recorded (the
    curation log lists such reports with what was searched), so every approval a headline counts
    rests on the agency, the label or the manufacturer.
    """
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        key = ("product_id", "agency", "indication", "line_of_therapy")
        groups[tuple(row.raw.get(c) for c in key)].append(row)
    for (product, agency, indication, line), group in groups.items():
        if any(row.record.source_kind in APPROVAL_KINDS for row in group):
            continue
        kinds = sorted({_words(row.record.source_kind) for row in group})
        for row in group:
            yield (
                row,
                f"the {agency} approval of {product} for {indication} ({line or 'any line'}) "
                f"cites only {' and '.join(kinds)} sources; cite the regulator's notice, the "
                "label or the manufacturer's release (news may stay as a second source), or "
                "remove the approval and list it in docs/evidence/curation-log.md until a "
                "primary source is found",
            )


def conflicting_count_problems(table: str, rows: list[Row]) -> Iterable[tuple[Row, str]]:
    """Two rows with the same study, measure, analysis and n but different events.

    A later data cut or a regrading is a different analysis or grading; the same count printed
    differently by two sources means one of them was misread or derived wrongly. The pair is
    accepted when either row's note names the other's count as events/n, i.e. explains it.
    """
    columns = SAME_COUNT.get(table)
    if not columns:
        return
    first: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        first[tuple(row.raw.get(c) for c in columns)].append(row)
    for group in first.values():
        for i, row in enumerate(group):
            for earlier in group[:i]:
                if _same_count(row, earlier) or _explained(row, earlier):
                    continue
                yield (
                    row,
                    f"{row.record.events}/{row.record.n} here but "
                    f"{earlier.record.events}/{earlier.record.n} at line {earlier.line} for the "
                    f"same {', '.join(c for c in columns if c != 'n')} and n; re-read both "
                    "sources and correct one, or explain the difference in note (name the "
                    f"other row's {earlier.record.events}/{earlier.record.n})",
                )


def host_of(url: str) -> str:
    """The publisher's host of ``url`` as readers name it: lower case, without ``www.``."""
    host = (urlparse(url).hostname or "").lower()
    return host.removeprefix("www.")


def mixed_kind_problems(rows: Iterable[Row]) -> Iterable[tuple[Row, str]]:
    """One publisher, one kind of source: the same ``source_url`` host cited as different kinds.

    A kind that differs by table (the ASCO Post as news for response rates but as a secondary
    page for hazard ratios) decides, unseen, which rows may stand behind a headline. Some hosts
    do carry several kinds — a news site or database reprinting a company's release in its own
    words, a journal's DOI of a review whose table is a secondary source — so a row whose kind is
    not its host's usual one (the most common; on a tie, no kind is usual) passes when its note
    names its kind in words ("company release: Kite's release reprinted by …"). Journal articles
    and conference abstracts count as one kind here: journals print their meetings' abstracts
    (Blood's ASH supplement) under the same DOI prefix and host.
    """
    by_host: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.record.source_url:
            by_host[host_of(row.record.source_url)].append(row)
    for host, group in by_host.items():
        families = Counter(_family(row.record.source_kind) for row in group)
        if len(families) < 2:
            continue
        (usual, most), (_, second) = families.most_common(2)
        counts = Counter(row.record.source_kind for row in group)
        for row in group:
            kind = row.record.source_kind
            family = _family(kind)
            if (family == usual and most > second) or _names_kind(row.record.note, kind):
                continue
            others = [r for r in group if _family(r.record.source_kind) != family]
            first = others[0]
            elsewhere = ", ".join(
                f"{_words(k)} in {n} row{'s' if n > 1 else ''}"
                for k, n in counts.most_common()
                if _family(k) != family
            )
            yield (
                row,
                f"{host} is cited as {_words(kind)} here but as {elsewhere} (first at "
                f"{first.table.file_name} line {first.line}); one publisher is one kind of "
                f"source: correct source_kind, or start note with '{_words(kind)}:' and say why "
                "this page is one (e.g. a company's own release reprinted by a news site)",
            )


def _family(kind: str) -> str:
    return "paper" if kind in PAPER_KINDS else kind


def _names_kind(note: str | None, kind: str) -> bool:
    return re.search(rf"\b{re.escape(_words(kind))}\b", (note or "").lower()) is not None


def _same_count(row: Row, other: Row) -> bool:
    gradings = (row.raw.get("grading"), other.raw.get("grading"))
    if all(gradings) and gradings[0] != gradings[1]:
        return True  # two grading systems may count the same patients differently
    return row.record.events == other.record.events


def _explained(row: Row, other: Row) -> bool:
    def names(note: str | None, target: Row) -> bool:
        return f"{target.record.events}/{target.record.n}" in (note or "")

    return names(row.record.note, other) or names(other.record.note, row)


def _words(kind: str) -> str:
    return kind.replace("_", " ")
