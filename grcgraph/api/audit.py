"""The facade's audit pack: the SoA, a gap report per framework, the evidence register with
digests, each covered requirement's explanation paths and the history logs, in one zip with a
manifest of SHA-256s and an optional Ed25519 signature (grcgraph/reports/audit_pack.py), as of now
or a past instant."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from grcgraph.api.history import HistoryAPI
from grcgraph.model import Finding
from grcgraph.reports import audit_pack
from grcgraph.workspace.history import entries_until
from grcgraph.workspace.tokens import TOKEN_GRAPH


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


class AuditAPI(HistoryAPI):
    @staticmethod
    def create_signing_key(path: Path, signer: str) -> tuple[Path, str]:
        """A new Ed25519 key at `path` (owner-only) and its public key at `<path>.pub`: that path and the key's fingerprint."""
        return audit_pack.create_key(path, signer)

    @staticmethod
    def verify_pack(path: Path, public_key: Path | None = None) -> tuple[dict[str, object], list[Finding]]:
        """Check a pack offline (no store): manifest, files, log chains, signature."""
        return audit_pack.verify_pack(path, audit_pack.public_key_of(public_key) if public_key else None)

    def audit_pack(self, out: Path, *, as_of: dt.datetime | None = None, key: Path | None = None, signer: str = "") -> dict[str, object]:
        """Write the audit pack of this workspace (as of `as_of`, or now) to `out`; its manifest."""
        view = self.as_of(as_of) if as_of is not None else self
        day = as_of.date() if as_of is not None else dt.date.today()
        files: dict[str, bytes] = {}
        soa = view.soa_rows(on=day)
        files["soa.csv"] = _csv(
            ["framework", "control", "title", "included", "justification", "status", "evidence"],
            ((r.framework, r.control.curie, r.control.title, r.included, r.justification, r.status, "|".join(r.evidence)) for r in soa),
        )
        for version in view.framework_versions():
            rows = view.gap_rows(version.prefix, on=day)
            files[f"gaps/{version.prefix}.csv"] = _csv(
                ["requirement", "title", "kind", "status", "reason", "evidence", "stale_evidence", "inferred", "leaf"],
                (
                    (
                        r.requirement.curie,
                        r.requirement.title,
                        r.requirement.kind,
                        r.status,
                        r.reason,
                        "|".join(r.evidence),
                        "|".join(r.stale_evidence),
                        r.inferred,
                        r.leaf,
                    )
                    for r in rows
                ),
            )
        ids = view.workspace.evidence_ids()
        items, links = view.workspace.evidence_many(ids), view.workspace.links_many(ids)
        files["evidence.csv"] = _csv(
            ["id", "title", "kind", "owner", "location", "sha256", "collected_on", "valid_until", "requirements"],
            (
                (
                    e.id,
                    e.title,
                    e.kind,
                    e.owner,
                    e.location,
                    e.sha256,
                    e.collected_on,
                    e.valid_until,
                    "|".join(sorted(self.catalog.ref(k.requirement).curie for k in links.get(e.id, []))),
                )
                for e in (items[i] for i in ids if i in items)
            ),
        )
        # The AI management system's records, each kind as a table (measurements per objective).
        for name, frame in (
            ("risks", view.risks()),
            ("impact-assessments", view.impact_assessments()),
            ("objectives", view.objectives(on=day)),
            ("reviews", view.reviews()),
            ("nonconformities", view.nonconformities()),
            ("corrective-actions", view.corrective_actions()),
        ):
            files[f"aims/{name}.csv"] = frame.to_csv(index=False).encode("utf-8")
        for objective in view.records("objective"):
            files[f"aims/measurements/{objective.id}.csv"] = view.measurements(objective.id).to_csv(index=False).encode("utf-8")
        covered = view.covered(None, on=day)
        explanations = {self.catalog.ref(iri).curie: [dataclasses.asdict(p) for p in entry.paths] for iri, entry in sorted(covered.items())}
        files["explanations.json"] = json.dumps(explanations, indent=1, sort_keys=True, default=str).encode("utf-8") + b"\n"
        logs = {
            "workspace": entries_until(self.store, str(self.workspace.graph), as_of),
            "tokens": entries_until(self.store, TOKEN_GRAPH, as_of),
        }
        about = {"workspace": self.workspace.name, "as_of": as_of.isoformat() if as_of else ""}
        private = audit_pack.load_key(key) if key is not None else None
        return audit_pack.write_pack(out, files, logs, about, key=private, signer=signer)
