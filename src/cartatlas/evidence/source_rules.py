"""Rules about where a row's value comes from: rules a professional reviewer applies first.

Kept apart from ``checks.py`` (quotes, arithmetic, references) because they judge the source,
not the value: the host a URL points at, the identifiers a paper must carry, the kind of source
an approval may rest on, and two rows that report the same count differently.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlparse

from cartatlas.evidence.reading import Row
from cartatlas.evidence.source_strength import APPROVAL_KINDS, PAPER_KINDS

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
