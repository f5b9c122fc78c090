"""Build the framework catalogs in frameworks/ from the source lists in reference/.

Run `python scripts/build_catalogs.py` after a source list changes; the test suite rebuilds the
catalogs in memory and fails when a committed catalog differs from what this script writes.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"
FRAMEWORKS = ROOT / "frameworks"

COLUMNS = ["id", "kind", "parent", "notation", "title", "text", "url", "refines", "risks", "actor_tasks", "source"]

EURLEX = "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=OJ:L_202401689"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"]


def read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def row(**values: str) -> dict[str, str]:
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise ValueError(f"unknown catalog columns {sorted(unknown)}")
    return {column: values.get(column, "") for column in COLUMNS}


def clause_parent(clause_id: str) -> str:
    return clause_id.rsplit(".", 1)[0] if "." in clause_id else ""


def iso_clauses(name: str) -> Iterator[dict[str, str]]:
    for rec in read(name):
        yield row(id=rec["id"], kind="Clause", parent=clause_parent(rec["id"]), title=rec["title"], source="clauses")


def iso42001() -> Iterator[dict[str, str]]:
    yield from iso_clauses("iso42001_clauses.csv")
    seen: set[str] = set()
    for rec in read("iso42001_annexA.csv"):
        if rec["objective_id"] not in seen:
            seen.add(rec["objective_id"])
            yield row(id=rec["objective_id"], kind="ControlArea", title=rec["objective_title"], source="annexA")
        parent = rec["objective_id"]
        if rec["sub_objective_id"]:
            parent = rec["sub_objective_id"]
            if parent not in seen:
                seen.add(parent)
                yield row(
                    id=parent,
                    kind="ControlArea",
                    parent=rec["objective_id"],
                    title=rec["sub_objective_title"],
                    source="annexA",
                )
        yield row(id=rec["id"], kind="Control", parent=parent, title=rec["title"], source="annexA")


def iso27001() -> Iterator[dict[str, str]]:
    yield from iso_clauses("iso27001_2022_clauses.csv")
    seen: set[str] = set()
    for rec in read("iso27001_2022_annexA.csv"):
        if rec["theme_id"] not in seen:
            seen.add(rec["theme_id"])
            yield row(id=rec["theme_id"], kind="ControlArea", title=rec["theme_title"], source="annexA")
        yield row(id=rec["id"], kind="Control", parent=rec["theme_id"], title=rec["title"], source="annexA")


def chapter_id(chapter: str) -> str:
    return f"chapter-{chapter}"


def section_id(chapter: str, section: str) -> str:
    return f"chapter-{chapter}-section-{section}"


def eu_ai_act() -> Iterator[dict[str, str]]:
    articles = read("eu_ai_act_articles.csv")
    paragraphs = read("eu_ai_act_paragraphs.csv")
    article_text = {p["article"]: p["text"] for p in paragraphs if not p["paragraph"]}
    chapters: dict[str, str] = {}
    sections: dict[tuple[str, str], str] = {}
    for art in articles:
        chapters.setdefault(art["chapter"], art["chapter_title"])
        if art["section"]:
            sections.setdefault((art["chapter"], art["section"]), art["section_title"])
    for chapter in sorted(chapters, key=ROMAN.index):
        yield row(
            id=chapter_id(chapter),
            kind="Chapter",
            notation=f"Chapter {chapter}",
            title=chapters[chapter],
            url=f"{EURLEX}#cpt_{chapter}",
            source="oj",
        )
        for (sec_chapter, section), title in sections.items():
            if sec_chapter == chapter:
                yield row(
                    id=section_id(chapter, section),
                    kind="Section",
                    parent=chapter_id(chapter),
                    notation=f"Chapter {chapter}, Section {section}",
                    title=title,
                    url=f"{EURLEX}#cpt_{chapter}.sct_{section}",
                    source="oj",
                )
    by_article: dict[str, list[dict[str, str]]] = {}
    for par in paragraphs:
        if par["paragraph"]:
            by_article.setdefault(par["article"], []).append(par)
    for art in articles:
        number = art["number"]
        parent = section_id(art["chapter"], art["section"]) if art["section"] else chapter_id(art["chapter"])
        yield row(
            id=f"art-{number}",
            kind="Article",
            parent=parent,
            notation=f"Art. {number}",
            title=art["title"],
            text=article_text.get(number, ""),
            url=f"{EURLEX}#{art['eurlex_anchor']}",
            source="oj",
        )
        for par in by_article.get(number, []):
            yield row(
                id=f"art-{number}-{par['paragraph']}",
                kind="Paragraph",
                parent=f"art-{number}",
                notation=f"Art. {number}({par['paragraph']})",
                title=f"{art['title']}, paragraph {par['paragraph']}",
                text=par["text"],
                url=f"{EURLEX}#{int(number):03d}.{int(par['paragraph']):03d}",
                source="oj",
            )
    for annex in read("eu_ai_act_annexes.csv"):
        yield row(
            id=f"annex-{annex['annex']}",
            kind="Annex",
            notation=f"Annex {annex['annex']}",
            title=annex["title"],
            url=f"{EURLEX}#anx_{annex['annex']}",
            source="oj",
        )


def nist_local(nist_id: str) -> str:
    return nist_id.replace(" ", "-")


def nist_ai_rmf() -> Iterator[dict[str, str]]:
    kinds = {"function": "Function", "category": "Category", "subcategory": "Subcategory"}
    for rec in read("nist_ai_rmf.csv"):
        level = rec["level"]
        if level == "function":
            parent, title = "", rec["id"].title()
        elif level == "category":
            parent, title = rec["function"], rec["text"]
        else:
            parent, title = rec["category"], rec["text"]
        yield row(
            id=nist_local(rec["id"]),
            kind=kinds[level],
            parent=nist_local(parent),
            notation=rec["id"],
            title=title,
            text=rec["text"],
            source="ai-100-1",
        )


def nist_ai_600_1() -> Iterator[dict[str, str]]:
    for rec in read("nist_ai_600_1_actions.csv"):
        yield row(
            id=rec["action_id"],
            kind="GenAIAction",
            title=rec["text"],
            text=rec["text"],
            refines=f"nistairmf:{nist_local(rec['subcategory'])}",
            risks=rec["gai_risks"],
            actor_tasks=rec["ai_actor_tasks"],
            source="ai-600-1",
        )


HEADERS: dict[str, str] = {
    "iso42001-2023": """\
scheme: iso42001-2023
prefix: iso42001
namespace: https://w3id.org/grcgraph/iso42001-2023/
framework: iso42001
framework_title: ISO/IEC 42001
version: "2023"
title: "ISO/IEC 42001:2023 Information technology - Artificial intelligence - Management system"
publisher: ISO/IEC JTC 1/SC 42
issued: 2023-12-18
url: https://www.iso.org/standard/81230.html
rights: "(c) ISO/IEC. Identifiers and titles only; no requirement text of the standard is reproduced."
sources:
  clauses:
    title: "ISO/IEC 42001:2023 clauses 4-10 with subclauses, from public listings of the standard's structure"
    file: reference/iso42001_clauses.csv
  annexA:
    title: "ISO/IEC 42001:2023 Annex A control objectives and controls, from public listings cross-checked against two mapping data sets"
    file: reference/iso42001_annexA.csv
""",
    "iso27001-2022": """\
scheme: iso27001-2022
prefix: iso27001
namespace: https://w3id.org/grcgraph/iso27001-2022/
framework: iso27001
framework_title: ISO/IEC 27001
version: "2022"
title: "ISO/IEC 27001:2022 Information security, cybersecurity and privacy protection - Information security management systems - Requirements"
publisher: ISO/IEC JTC 1/SC 27
issued: 2022-10-25
url: https://www.iso.org/standard/27001
rights: "(c) ISO/IEC. Identifiers and titles only; no requirement text of the standard is reproduced."
sources:
  clauses:
    title: "ISO/IEC 27001:2022 clauses 4-10, from public listings of the standard's structure"
    file: reference/iso27001_2022_clauses.csv
  annexA:
    title: "ISO/IEC 27001:2022 Annex A controls in four themes, from public listings"
    file: reference/iso27001_2022_annexA.csv
""",
    "eu-ai-act": """\
scheme: eu-ai-act
prefix: euaiact
namespace: https://w3id.org/grcgraph/eu-ai-act/
framework: euaiact
framework_title: EU Artificial Intelligence Act
version: "2024/1689"
title: "Regulation (EU) 2024/1689 of the European Parliament and of the Council of 13 June 2024 laying down harmonised rules on artificial intelligence (Artificial Intelligence Act)"
publisher: European Parliament and Council of the European Union
issued: 2024-07-12
url: http://data.europa.eu/eli/reg/2024/1689/oj
rights: "Source: EUR-Lex, (c) European Union, https://eur-lex.europa.eu/. Reuse authorised with acknowledgement of the source (Commission Decision 2011/833/EU). Only the Official Journal text is authentic."
license: https://eur-lex.europa.eu/content/legal-notice/legal-notice.html
sources:
  oj:
    title: "Regulation (EU) 2024/1689, Official Journal of the European Union, OJ L, 2024/1689, 12.7.2024, parsed from the EUR-Lex HTML"
    file: reference/eu_ai_act_articles.csv reference/eu_ai_act_paragraphs.csv reference/eu_ai_act_annexes.csv
    url: http://data.europa.eu/eli/reg/2024/1689/oj
""",
    "nist-ai-rmf-1.0": """\
scheme: nist-ai-rmf-1.0
prefix: nistairmf
namespace: https://w3id.org/grcgraph/nist-ai-rmf-1.0/
framework: nistairmf
framework_title: NIST AI Risk Management Framework
version: "1.0"
title: "Artificial Intelligence Risk Management Framework (AI RMF 1.0), NIST AI 100-1"
publisher: National Institute of Standards and Technology
issued: 2023-01-26
url: https://doi.org/10.6028/NIST.AI.100-1
rights: "Work of the United States Government, not subject to copyright in the United States (public domain)."
sources:
  ai-100-1:
    title: "NIST AI 100-1 (January 2023), functions, categories and subcategories with their text, checked against two verbatim extractions of the PDF"
    file: reference/nist_ai_rmf.csv
    url: https://doi.org/10.6028/NIST.AI.100-1
""",
    "nist-ai-600-1": """\
scheme: nist-ai-600-1
prefix: nistgai
namespace: https://w3id.org/grcgraph/nist-ai-600-1/
framework: nistgai
framework_title: NIST AI RMF Generative AI Profile
version: "600-1"
title: "Artificial Intelligence Risk Management Framework: Generative Artificial Intelligence Profile, NIST AI 600-1"
publisher: National Institute of Standards and Technology
issued: 2024-07-26
url: https://doi.org/10.6028/NIST.AI.600-1
rights: "Work of the United States Government, not subject to copyright in the United States (public domain)."
profile_of: nistairmf
risks:
  - CBRN Information or Capabilities
  - Confabulation
  - Dangerous, Violent, or Hateful Content
  - Data Privacy
  - Environmental Impacts
  - Harmful Bias and Homogenization
  - Human-AI Configuration
  - Information Integrity
  - Information Security
  - Intellectual Property
  - Obscene, Degrading, and/or Abusive Content
  - Value Chain and Component Integration
sources:
  ai-600-1:
    title: "NIST AI 600-1 (July 2024) suggested actions with their AI RMF subcategory and GAI risks, normalised (ligatures; GV4.3--001 printed for GV-4.3-001)"
    file: reference/nist_ai_600_1_actions.csv
    url: https://doi.org/10.6028/NIST.AI.600-1
""",
}

BUILDERS = {
    "iso42001-2023": iso42001,
    "iso27001-2022": iso27001,
    "eu-ai-act": eu_ai_act,
    "nist-ai-rmf-1.0": nist_ai_rmf,
    "nist-ai-600-1": nist_ai_600_1,
}


def render(scheme: str) -> str:
    """The exact text of one catalog file."""
    out = io.StringIO()
    out.write("## grcgraph catalog: see frameworks/README.md for the format\n")
    for line in HEADERS[scheme].splitlines():
        out.write(f"# {line}\n" if line else "#\n")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows: Iterable[dict[str, str]] = BUILDERS[scheme]()
    writer.writerows(rows)
    return out.getvalue()


def main() -> int:
    for scheme in BUILDERS:
        path = FRAMEWORKS / f"{scheme}.csv"
        path.write_text(render(scheme), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
