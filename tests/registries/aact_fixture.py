"""A small AACT-shaped schema in a real PostgreSQL server, filled from API v2 study JSON.

The columns are AACT's (https://aact.ctti-clinicaltrials.org/data_dictionary); values are
written the way older AACT releases spell them ("Active, not recruiting", "Phase 1/Phase 2",
"May 2019", "Anticipated", "U.S. Fed", "Recruiting"), so the loader's mapping back to API v2
vocabulary is exercised, except completion dates which use the newer ISO spelling.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import psycopg
from psycopg import sql

DDL = """
CREATE TABLE {s}.studies (nct_id TEXT, brief_title TEXT, official_title TEXT, acronym TEXT,
  overall_status TEXT, why_stopped TEXT, phase TEXT, study_type TEXT, start_date DATE,
  start_month_year TEXT, primary_completion_date DATE, primary_completion_month_year TEXT,
  completion_date DATE, completion_month_year TEXT, study_first_posted_date DATE,
  last_update_posted_date DATE, enrollment INTEGER, enrollment_type TEXT,
  results_first_posted_date DATE);
CREATE TABLE {s}.brief_summaries (id SERIAL, nct_id TEXT, description TEXT);
CREATE TABLE {s}.conditions (id SERIAL, nct_id TEXT, name TEXT, downcase_name TEXT);
CREATE TABLE {s}.keywords (id SERIAL, nct_id TEXT, name TEXT, downcase_name TEXT);
CREATE TABLE {s}.interventions (id SERIAL, nct_id TEXT, intervention_type TEXT, name TEXT,
  description TEXT);
CREATE TABLE {s}.intervention_other_names (id SERIAL, nct_id TEXT, intervention_id INTEGER,
  name TEXT);
CREATE TABLE {s}.facilities (id SERIAL, nct_id TEXT, status TEXT, name TEXT, city TEXT,
  state TEXT, zip TEXT, country TEXT, latitude NUMERIC, longitude NUMERIC);
CREATE TABLE {s}.sponsors (id SERIAL, nct_id TEXT, agency_class TEXT, lead_or_collaborator TEXT,
  name TEXT);
CREATE TABLE {s}.id_information (id SERIAL, nct_id TEXT, id_source TEXT, id_value TEXT,
  id_type TEXT);
"""
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_CLASSES = {"FED": "U.S. Fed", "OTHER_GOV": "Other Gov"}


def _legacy(enum: str | None) -> str | None:
    """``ACTIVE_NOT_RECRUITING`` → ``Active, not recruiting`` (AACT's older spelling)."""
    if enum is None:
        return None
    if enum == "ACTIVE_NOT_RECRUITING":
        return "Active, not recruiting"
    if enum == "UNKNOWN":
        return "Unknown status"
    return enum.replace("_", " ").capitalize()


def _phase(phases: list[str]) -> str | None:
    labels = {"EARLY_PHASE1": "Early Phase 1", "NA": "N/A"}
    return "/".join(labels.get(p, p.replace("PHASE", "Phase ")) for p in phases) or None


def _month_year(iso: str | None) -> tuple[str | None, date | None]:
    if not iso:
        return None, None
    parts = [int(p) for p in iso.split("-")]
    day = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    if len(parts) == 1:
        return str(parts[0]), day
    month = _MONTHS[parts[1] - 1]
    return (f"{month} {parts[2]}, {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"), day


def _iso_date(iso: str | None) -> tuple[str | None, date | None]:
    return iso, _month_year(iso)[1]


def fill(
    conn: psycopg.Connection,
    schema: str,
    studies: list[dict[str, Any]],
    extra_keywords: dict[str, str],
) -> None:
    s = sql.Identifier(schema)
    conn.execute(sql.SQL("CREATE SCHEMA {}").format(s))
    conn.execute(sql.SQL(DDL).format(s=s))

    def insert(table: str, row: dict[str, Any]) -> int | None:
        """Insert one row; returns its ``id`` (every AACT child table has one)."""
        returning = sql.SQL("" if table == "studies" else " RETURNING id")
        query = sql.SQL("INSERT INTO {}.{} ({}) VALUES ({}){}").format(
            s,
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(sql.Placeholder() * len(row)),
            returning,
        )
        cur = conn.execute(query, list(row.values()))
        return cur.fetchone()[0] if cur.description else None

    for study in studies:
        p = study["protocolSection"]
        ident, status = p["identificationModule"], p.get("statusModule", {})
        design = p.get("designModule", {})
        nct = ident["nctId"]
        start_text, start_day = _month_year(status.get("startDateStruct", {}).get("date"))
        pc_text, pc_day = _month_year(status.get("primaryCompletionDateStruct", {}).get("date"))
        done_text, done_day = _iso_date(status.get("completionDateStruct", {}).get("date"))
        enrollment = design.get("enrollmentInfo", {})
        insert(
            "studies",
            {
                "nct_id": nct,
                "brief_title": ident.get("briefTitle"),
                "official_title": ident.get("officialTitle"),
                "acronym": ident.get("acronym"),
                "overall_status": _legacy(status.get("overallStatus")),
                "why_stopped": status.get("whyStopped"),
                "phase": _phase(design.get("phases", [])),
                "study_type": _legacy(design.get("studyType")),
                "start_date": start_day,
                "start_month_year": start_text,
                "primary_completion_date": pc_day,
                "primary_completion_month_year": pc_text,
                "completion_date": done_day,
                "completion_month_year": done_text,
                "study_first_posted_date": status.get("studyFirstPostDateStruct", {}).get("date"),
                "last_update_posted_date": status.get("lastUpdatePostDateStruct", {}).get("date"),
                "enrollment": enrollment.get("count"),
                "enrollment_type": {"ESTIMATED": "Anticipated", "ACTUAL": "Actual"}.get(
                    enrollment.get("type")
                ),
                "results_first_posted_date": "2020-01-01" if study.get("hasResults") else None,
            },
        )
        summary = p.get("descriptionModule", {}).get("briefSummary")
        if summary:
            insert("brief_summaries", {"nct_id": nct, "description": summary})
        for name in p.get("conditionsModule", {}).get("conditions", []):
            insert("conditions", {"nct_id": nct, "name": name, "downcase_name": name.lower()})
        for name in p.get("conditionsModule", {}).get("keywords", []) + (
            [extra_keywords[nct]] if nct in extra_keywords else []
        ):
            insert("keywords", {"nct_id": nct, "name": name, "downcase_name": name.lower()})
        for item in p.get("armsInterventionsModule", {}).get("interventions", []):
            key = insert(
                "interventions",
                {
                    "nct_id": nct,
                    "intervention_type": _legacy(item.get("type")),
                    "name": item["name"],
                    "description": item.get("description"),
                },
            )
            for other in item.get("otherNames", []):
                insert(
                    "intervention_other_names",
                    {"nct_id": nct, "intervention_id": key, "name": other},
                )
        for loc in p.get("contactsLocationsModule", {}).get("locations", []):
            geo = loc.get("geoPoint", {})
            insert(
                "facilities",
                {
                    "nct_id": nct,
                    "status": _legacy(loc.get("status")),
                    "name": loc.get("facility"),
                    "city": loc.get("city"),
                    "state": loc.get("state"),
                    "zip": loc.get("zip"),
                    "country": loc.get("country"),
                    "latitude": geo.get("lat"),
                    "longitude": geo.get("lon"),
                },
            )
        sponsors = p.get("sponsorCollaboratorsModule", {})
        for role, item in [("lead", sponsors.get("leadSponsor"))] + [
            ("collaborator", c) for c in sponsors.get("collaborators", [])
        ]:
            if item and item.get("name"):
                klass = item.get("class")
                insert(
                    "sponsors",
                    {
                        "nct_id": nct,
                        "agency_class": _CLASSES.get(klass, _legacy(klass)),
                        "lead_or_collaborator": role,
                        "name": item["name"],
                    },
                )
        org = ident.get("orgStudyIdInfo", {}).get("id")
        if org:
            insert(
                "id_information",
                {"nct_id": nct, "id_source": "org_study_id", "id_value": org, "id_type": None},
            )
        for item in ident.get("secondaryIdInfos", []):
            insert(
                "id_information",
                {
                    "nct_id": nct,
                    "id_source": "secondary_id",
                    "id_value": item["id"],
                    "id_type": item.get("type"),
                },
            )
    conn.commit()
