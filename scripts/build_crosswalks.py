"""Build the two mapping sets that come from published or derived source lists:

- crosswalks/nist-ai-rmf-iso42001.sssom.tsv from reference/crosswalk_nist-ai-rmf_iso42001.csv
- crosswalks/iso42001-iso27001-clauses.sssom.tsv from reference/crosswalk_iso42001_iso27001_structural.csv

The curated sets are edited by hand and not touched here. The test suite rebuilds these two in
memory and fails when a committed file differs from what this script writes.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"
CROSSWALKS = ROOT / "crosswalks"
COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "creator_id",
    "author_label",
    "comment",
    "rationale",
]


def read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def titles(catalog: str, prefix: str) -> dict[str, str]:
    text = (ROOT / "frameworks" / catalog).read_text(encoding="utf-8")
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    return {f"{prefix}:{row['id']}": row["title"] for row in csv.DictReader(io.StringIO(body))}


def render(header: str, rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    for line in header.splitlines():
        out.write(f"#{line}\n")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar=None)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


NIST_HEADER = """\
curie_map:
  grc: https://w3id.org/grcgraph/vocab#
  grcgraph: https://w3id.org/grcgraph/
  iso42001: https://w3id.org/grcgraph/iso42001-2023/
  nistairmf: https://w3id.org/grcgraph/nist-ai-rmf-1.0/
  semapv: https://w3id.org/semapv/vocab/
mapping_set_id: https://w3id.org/grcgraph/crosswalks/nist-ai-rmf-iso42001
mapping_set_version: "1.0"
mapping_set_title: NIST AI RMF 1.0 to ISO/IEC 42001:2023 (Microsoft crosswalk, as published)
mapping_set_description: "The 280 subcategory-to-clause and subcategory-to-control pairs of Microsoft's NIST AI RMF to ISO/IEC FDIS 42001 crosswalk, listed on the NIST AI Resource Center crosswalk page (without NIST endorsement). The source states no relationship type, so every row is a NIST IR 8477 concept-crosswalk link (grc:relatedTo): a lead to check, never coverage. Annex B (implementation guidance) numbers are translated to the Annex A control of the same number."
license: https://w3id.org/grcgraph/licence/unstated
creator_id:
  - grcgraph:project
creator_label:
  - grcgraph project
mapping_provider: https://airc.nist.gov/docs/NIST_AI_RMF_to_ISO_IEC_42001_Crosswalk.pdf
see_also:
  - https://airc.nist.gov/docs/NIST_AI_RMF_to_ISO_IEC_42001_Crosswalk.pdf
mapping_date: "2026-11-22"
comment: "Pairs by Microsoft (author), transcribed by the grcgraph project from reference/crosswalk_nist-ai-rmf_iso42001.csv. The source states no licence: only the id pairs are shipped, with attribution, and none of its prose. Made against the FDIS draft of ISO/IEC 42001; titles here are those of the published standard."
extension_definitions:
  - slot_name: rationale
    property: grc:rationale
    type_hint: xsd:string
"""

# The three rows whose id and title disagree in the source, resolved by reading the subcategory.
FLAGGED = {
    ("GOVERN 3.2", "A.3.2"): (
        "A.3.2",
        "The source prints id B.3.2 with the title 'Management review inputs' (clause 9.3.2). Kept as A.3.2 "
        "(AI roles and responsibilities): GOVERN 3.2 is about defining roles and responsibilities for human-AI "
        "configurations and oversight, which is what A.3.2 covers; management review inputs do not fit it.",
    ),
    ("MAP 1.4", "A.2.2"): (
        "A.10.4",
        "The source prints id B.2.2 (AI policy) with the title 'Customers' (A.10.4). Resolved to A.10.4 "
        "(Customers): MAP 1.4 asks that the business value and context of use be defined, which matches "
        "considering customers' needs and expectations better than the AI policy does; the title, a whole word, "
        "is less likely to be a slip than a one-digit id.",
    ),
    ("MAP 1.5", "6.1.1"): (
        "6.1.1",
        "The source prints id 6.1.1 with the title 'Objective'. Kept as 6.1.1 (Actions to address risks and "
        "opportunities, General): MAP 1.5 is about determining risk tolerances, which belongs with establishing "
        "risk criteria under 6.1.1 rather than with AI objectives (6.2).",
    ),
}


def nist_iso42001() -> str:
    nist = titles("nist-ai-rmf-1.0.csv", "nistairmf")
    iso = titles("iso42001-2023.csv", "iso42001")
    rows = []
    for rec in read("crosswalk_nist-ai-rmf_iso42001.csv"):
        target = rec["target_id"]
        comment = "Related in the published crosswalk; the source gives no relationship type."
        flagged = FLAGGED.get((rec["source_id"], target))
        if flagged:
            target, comment = flagged
        elif rec["target_id_as_published"] != target:
            comment += f" Published as {rec['target_id_as_published']} (Annex B guidance number), mapped to Annex A control {target}."
        if rec["note"] and "FDIS title" in rec["note"]:
            comment += f" The source uses the FDIS title '{rec['target_title_as_published']}'."
        subject = f"nistairmf:{rec['source_id'].replace(' ', '-')}"
        obj = f"iso42001:{target}"
        rows.append(
            {
                "subject_id": subject,
                "subject_label": nist[subject],
                "predicate_id": "grc:relatedTo",
                "object_id": obj,
                "object_label": iso[obj],
                "mapping_justification": "semapv:ManualMappingCuration",
                "confidence": "",
                "creator_id": "grcgraph:project",
                "author_label": "Microsoft",
                "comment": comment,
                "rationale": "",
            }
        )
    return render(NIST_HEADER, rows)


CLAUSES_HEADER = """\
curie_map:
  grc: https://w3id.org/grcgraph/vocab#
  grcgraph: https://w3id.org/grcgraph/
  iso27001: https://w3id.org/grcgraph/iso27001-2022/
  iso42001: https://w3id.org/grcgraph/iso42001-2023/
  semapv: https://w3id.org/semapv/vocab/
  sssom: https://w3id.org/sssom/
mapping_set_id: https://w3id.org/grcgraph/crosswalks/iso42001-iso27001-clauses
mapping_set_version: "1.1"
mapping_set_title: ISO/IEC 42001:2023 clauses 4-10 to ISO/IEC 27001:2022 clauses 4-10 (harmonized structure), curated by the grcgraph project
mapping_set_description: "Both standards follow the ISO harmonized structure for management system standards, so clause N.M of one sits in the same slot as N.M of the other. The pairs come from identical clause numbering; the project typed each pair: the same management-system duty applied to a different subject (an AI management system, an information security management system), hence intersects with. ISO/IEC 42001 6.1.4 and 8.4 (AI system impact assessment) have no counterpart and are kept as no-relationship rows. No pair is typed equal or superset of: each clause binds its own management system, so evidence that one is met does not show that the other is (the reasoning, pair by pair, is in crosswalks/README.md); an organisation running one integrated management system for both can state full claims in a mapping set of its own."
license: https://creativecommons.org/licenses/by/4.0/
creator_id:
  - grcgraph:project
creator_label:
  - grcgraph project
mapping_date: "2026-11-22"
comment: Curated by the grcgraph project from the clause identifiers and titles of the two standards (reference/crosswalk_iso42001_iso27001_structural.csv); not published by ISO. No ISO text is reproduced.
extension_definitions:
  - slot_name: rationale
    property: grc:rationale
    type_hint: xsd:string
"""


def iso_clauses() -> str:
    a = titles("iso42001-2023.csv", "iso42001")
    b = titles("iso27001-2022.csv", "iso27001")
    rows = []
    for rec in read("crosswalk_iso42001_iso27001_structural.csv"):
        subject = f"iso42001:{rec['source_id']}"
        if not rec["target_id"]:
            rows.append(
                {
                    "subject_id": subject,
                    "subject_label": a[subject],
                    "predicate_id": "grc:relatedTo",  # negated: no relationship
                    "predicate_modifier": "Not",
                    "object_id": "sssom:NoTermFound",
                    "object_label": "",
                    "mapping_justification": "semapv:ManualMappingCuration",
                    "confidence": "0.95",
                    "creator_id": "grcgraph:project",
                    "author_label": "",
                    "comment": "AI system impact assessment is specific to ISO/IEC 42001; ISO/IEC 27001 has no clause in this slot or with this duty.",
                    "rationale": "semantic",
                }
            )
            continue
        obj = f"iso27001:{rec['target_id']}"
        same_title = a[subject] == b[obj]
        comment = (
            "Same harmonized-structure clause with the same title; the duty is the same but applies to the AI management system in one standard and to the information security management system in the other."
            if same_title
            else f"Same harmonized-structure slot: '{a[subject]}' in ISO/IEC 42001, '{b[obj]}' in ISO/IEC 27001; the duty has the same shape but a different subject (AI versus information security)."
        )
        rows.append(
            {
                "subject_id": subject,
                "subject_label": a[subject],
                "predicate_id": "grc:intersectsWith",
                "object_id": obj,
                "object_label": b[obj],
                "mapping_justification": "semapv:ManualMappingCuration",
                "confidence": "0.9",
                "creator_id": "grcgraph:project",
                "author_label": "",
                "comment": comment,
                "rationale": "syntactic",
            }
        )
    return render(CLAUSES_HEADER, rows)


BUILDERS = {
    "nist-ai-rmf-iso42001.sssom.tsv": nist_iso42001,
    "iso42001-iso27001-clauses.sssom.tsv": iso_clauses,
}


def main() -> int:
    for name, build in BUILDERS.items():
        (CROSSWALKS / name).write_text(build(), encoding="utf-8")
        print(f"wrote crosswalks/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
