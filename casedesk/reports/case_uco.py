"""A case as CASE/UCO 1.5.0 JSON-LD, for the forensic tools a prosecutor's expert uses.

What goes in (docs/case-uco.md):

- the case as a ``case-investigation:Investigation`` holding every other node;
- each exhibit as a ``uco-observable:File`` with a ``FileFacet`` (file name,
  size) and a ``ContentDataFacet`` (MIME type, size, every recorded hash:
  SHA-256 always, MD5 and SHA-1 when recorded at ingest);
- each custody log entry of the case as a ``case-investigation:InvestigativeAction``
  (name in words, time, the officer as performer, the other party as
  participant, the place, CaseDesk as instrument, the entry number and hash in
  its description); an entry about an exhibit takes the exhibit's last
  ``case-investigation:ProvenanceRecord`` (or, for its ingest, the file itself)
  as its object and results in a new one that carries the exhibit reference
  (``exhibitNumber``) and the file: the chain of custody as CASE draws it;
- each officer as a ``uco-identity:Person`` (``SimpleNameFacet``) with a
  ``uco-role:Role`` (``case-investigation:Investigator`` for detectives) tied
  by a ``Has_Role`` relationship; each place as a ``uco-location:Location``.

Every node has an IRI made of its kind and a UUIDv5 derived from the case
and what the node is (the exhibit reference, the entry number, the user
name), so the same log gives the same file byte for byte: the graph is sorted
by IRI and written with sorted keys, and no time but the log's own is in it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casedesk.reports.actions import action_name
from casedesk.reports.model import CaseInfo, CustodyLine, ExhibitInfo
from casedesk.timeutil import iso_utc

FORMAT = "case-uco"
CASE_VERSION = "1.5.0"

CONTEXT: dict[str, str] = {
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "kb": "urn:casedesk:",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-location": "https://ontology.unifiedcyberontology.org/uco/location/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-role": "https://ontology.unifiedcyberontology.org/uco/role/",
    "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_CHARACTERISATIONS = frozenset({"uco-types:Hash", "uco-observable:FileFacet", "uco-observable:ContentDataFacet",
                                "uco-identity:SimpleNameFacet"})
ROLE_NAMES = {"detective": "Detective", "supervisor": "Supervisor", "admin": "Administrator"}


@dataclass(frozen=True)
class Officer:
    username: str
    full_name: str
    role: str  # "detective" | "supervisor" | "admin"


@dataclass(frozen=True)
class CaseExport:
    """What the export is made from: plain data from the service layer."""

    installation_id: str
    case: CaseInfo
    exhibits: tuple[ExhibitInfo, ...]  # in reference order
    custody: tuple[CustodyLine, ...]  # the case's entries (those of withheld exhibits left out), in log order
    officers: tuple[Officer, ...]
    head_seq: int
    head_hash: str
    tool: str  # "CaseDesk 0.1.0"
    withheld: int = 0  # sensitive exhibits left out


def _time(value: datetime) -> dict[str, str]:
    return {"@type": "xsd:dateTime", "@value": iso_utc(value)}


def _int(value: int) -> dict[str, str]:
    return {"@type": "xsd:integer", "@value": str(value)}


def _ref(node_id: str) -> dict[str, str]:
    return {"@id": node_id}


class _Graph:
    def __init__(self, installation_id: str, case_ref: str) -> None:
        self.ns = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:casedesk:{installation_id}:{case_ref}")
        self.nodes: dict[str, dict[str, Any]] = {}

    def iri(self, kind: str, key: str) -> str:
        return f"kb:{kind}-{uuid.uuid5(self.ns, f'{kind}:{key}')}"

    def add(self, node: dict[str, Any]) -> str:
        self.nodes[node["@id"]] = node
        return str(node["@id"])


def build(spec: CaseExport) -> dict[str, Any]:
    """The JSON-LD document (a dict) for ``spec``."""
    g = _Graph(spec.installation_id, spec.case.reference)
    people = {o.username: o for o in spec.officers}
    tool = g.add({"@id": g.iri("Tool", "casedesk"), "@type": "uco-tool:Tool", "uco-core:name": "CaseDesk",
                  "uco-tool:version": spec.tool.removeprefix("CaseDesk ").strip() or spec.tool,
                  "uco-tool:toolType": "evidence management and chain of custody"})

    def person(name: str | None) -> str | None:
        """The Person for a user name (or "Full Name (user)" as the bundle shows it); None for a place."""
        if not name:
            return None
        user = name.rsplit("(", 1)[1].rstrip(")") if name.endswith(")") and "(" in name else name
        officer = people.get(user)
        if officer is None:
            return None
        pid = g.iri("Person", user)
        if pid not in g.nodes:
            given, _, family = officer.full_name.partition(" ")
            facet: dict[str, Any] = {"@id": g.iri("SimpleNameFacet", user), "@type": "uco-identity:SimpleNameFacet"}
            if given:
                facet["uco-identity:givenName"] = given
            if family:
                facet["uco-identity:familyName"] = family
            g.add({"@id": pid, "@type": "uco-identity:Person",
                   "uco-core:name": f"{officer.full_name} ({user})" if officer.full_name else user,
                   "uco-core:hasFacet": [_ref(g.add(facet))]})
            role_type = "case-investigation:Investigator" if officer.role == "detective" else "uco-role:Role"
            rid = g.add({"@id": g.iri("Role", user), "@type": role_type,
                         "uco-core:name": ROLE_NAMES.get(officer.role, officer.role)})
            g.add({"@id": g.iri("Relationship", f"role:{user}"), "@type": "uco-core:Relationship",
                   "uco-core:source": [_ref(pid)], "uco-core:target": _ref(rid),
                   "uco-core:kindOfRelationship": "Has_Role", "uco-core:isDirectional": True})
        return pid

    def place(text: str | None) -> str | None:
        if not text:
            return None
        return g.add({"@id": g.iri("Location", text), "@type": "uco-location:Location", "uco-core:name": text})

    files: dict[str, str] = {}
    for ex in spec.exhibits:
        files[ex.reference] = _file(g, ex)
    latest: dict[str, str] = {}  # exhibit reference -> its last provenance record (or its file)
    for line in spec.custody:
        _action(g, line, tool, person, place, files, latest)
    description = (f"{spec.case.title}. Offences: {'; '.join(spec.case.offences) or 'none recorded'}. "
                   f"Officer in charge: {spec.case.officer_in_charge}. Made with {spec.tool} from the custody log "
                   f"up to entry {spec.head_seq} (hash {spec.head_hash}).")
    if spec.withheld:
        description += (f" {spec.withheld} sensitive (MG6D) exhibit{'s are' if spec.withheld != 1 else ' is'} "
                        "withheld, with their custody entries.")
    investigation = {
        "@id": g.iri("Investigation", spec.case.reference), "@type": "case-investigation:Investigation",
        "uco-core:name": spec.case.reference, "uco-core:description": description,
        "case-investigation:investigationForm": "case",
        # Objects only: facets and hashes characterise their file or person and are reached through them.
        "uco-core:object": [_ref(i) for i in sorted(g.nodes) if g.nodes[i]["@type"] not in _CHARACTERISATIONS],
    }
    g.add(investigation)
    return {"@context": CONTEXT, "@graph": [g.nodes[i] for i in sorted(g.nodes)]}


def _file(g: _Graph, ex: ExhibitInfo) -> str:
    key = ex.reference
    hashes = [("SHA256", ex.sha256), ("MD5", ex.md5), ("SHA1", ex.sha1)]
    hash_ids = []
    for method, value in hashes:
        if value:
            hash_ids.append(g.add({"@id": g.iri("Hash", f"{key}:{method}"), "@type": "uco-types:Hash",
                                   "uco-types:hashMethod": method,
                                   "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": value.upper()}}))
    file_facet: dict[str, Any] = {"@id": g.iri("FileFacet", key), "@type": "uco-observable:FileFacet",
                                  "uco-observable:fileName": ex.original_name,
                                  "uco-observable:sizeInBytes": _int(ex.size)}
    if "." in ex.original_name.strip(".")[1:]:
        file_facet["uco-observable:extension"] = ex.original_name.rsplit(".", 1)[1]
    if ex.fs_modified is not None:
        file_facet["uco-observable:modifiedTime"] = _time(ex.fs_modified)
    content: dict[str, Any] = {"@id": g.iri("ContentDataFacet", key), "@type": "uco-observable:ContentDataFacet",
                               "uco-observable:sizeInBytes": _int(ex.size),
                               "uco-observable:hash": [_ref(h) for h in hash_ids]}
    if ex.mime_type:
        content["uco-observable:mimeType"] = ex.mime_type
    return g.add({
        "@id": g.iri("File", key), "@type": "uco-observable:File",
        "uco-core:name": f"Exhibit {ex.reference}",
        "uco-core:description": ex.description or f"Exhibit {ex.reference}",
        "uco-core:hasFacet": [_ref(g.add(file_facet)), _ref(g.add(content))],
    })


def _action(g: _Graph, line: CustodyLine, tool: str, person: Any, place: Any, files: dict[str, str],
            latest: dict[str, str]) -> None:
    words = action_name(line.action)
    details = [f"Custody log entry {line.seq} ({line.action}), entry hash {line.entry_hash}."]
    if line.exhibit_ref:
        details.append(f"Exhibit {line.exhibit_ref}.")
    if line.from_party or line.to_party:
        details.append(f"From {line.from_party or '-'} to {line.to_party or '-'}.")
    if line.location:
        details.append(f"At {line.location}.")
    if line.reason:
        details.append(f"Reason: {line.reason}.")
    if line.sha256:
        details.append(f"SHA-256 recorded: {line.sha256}.")
    node: dict[str, Any] = {
        "@id": g.iri("InvestigativeAction", str(line.seq)), "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": words, "uco-core:description": " ".join(details),
        "uco-action:startTime": _time(line.timestamp), "uco-action:endTime": _time(line.timestamp),
        "uco-action:instrument": [_ref(tool)],
    }
    performer = person(line.actor)
    if performer:
        node["uco-action:performer"] = _ref(performer)
    others = sorted({p for p in (person(line.from_party), person(line.to_party)) if p and p != performer})
    if others:
        node["uco-action:participant"] = [_ref(p) for p in others]
    where = place(line.location)
    if where:
        node["uco-action:location"] = [_ref(where)]
    ref = line.exhibit_ref
    if ref is not None and ref in files:
        before = latest.get(ref, files[ref])
        record = g.add({
            "@id": g.iri("ProvenanceRecord", str(line.seq)), "@type": "case-investigation:ProvenanceRecord",
            "case-investigation:exhibitNumber": ref,
            "uco-core:description": f"Exhibit {ref} after custody log entry {line.seq}: {words.lower()}",
            "uco-core:object": [_ref(files[ref])],
        })
        node["uco-action:object"] = [_ref(before)]
        node["uco-action:result"] = [_ref(record)]
        latest[ref] = record
    g.add(node)


def document_bytes(doc: dict[str, Any]) -> bytes:
    """The file's bytes: UTF-8 JSON, keys sorted, two-space indent, a final newline."""
    return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def counts(doc: dict[str, Any]) -> tuple[int, int]:
    """(files, investigative actions) in a document."""
    types = [n.get("@type") for n in doc["@graph"]]
    return types.count("uco-observable:File"), types.count("case-investigation:InvestigativeAction")


def exhibit_numbers(doc: dict[str, Any]) -> Sequence[str]:
    return sorted({str(n["case-investigation:exhibitNumber"]) for n in doc["@graph"]
                   if n.get("@type") == "case-investigation:ProvenanceRecord"})
