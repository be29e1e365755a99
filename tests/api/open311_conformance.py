"""Checks an Open311 answer against the Open311 project's GeoReport v2 schemas (tests/open311_schemas): a JSON
answer as sent; an XML answer read back by the spec's Spark convention (a container of one repeated child is a
list), each leaf typed by what the schema declares for it, then validated by the same schema."""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from xml.etree import ElementTree

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "open311_schemas"
_REGISTRY = Registry().with_resources(
    (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4))
    for path in SCHEMA_DIR.glob("*.json")
)
# Answers the repository has no document for: stated from the spec's text (GeoReport v2 "Errors";
# Service Discovery "Fields for All Versions", all required).
_ERRORS = {"type": "array", "minItems": 1, "items": {
    "type": "object", "required": ["code", "description"],
    "properties": {"code": {"type": "integer"}, "description": {"type": "string", "minLength": 1}}}}
_DISCOVERY = {"type": "object", "required": ["changeset", "contact", "key_service", "endpoints"], "properties": {
    "changeset": {"type": "string"}, "contact": {"type": "string"}, "key_service": {"type": "string"},
    "endpoints": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["specification", "url", "changeset", "type", "formats"], "properties": {
            "specification": {"type": "string"}, "url": {"type": "string", "format": "uri"},
            "changeset": {"type": "string"}, "type": {"type": "string", "enum": ["production", "test"]},
            "formats": {"type": "array", "items": {"type": "string"}}}}}}}
SCHEMAS = {
    "services": {"$ref": "services.json"},
    "service_definition": {"$ref": "service-definition.json"},
    "requests": {"$ref": "requests.json"},
    "post": {"type": "array", "minItems": 1, "items": {"$ref": "swagger.json#/definitions/RequestResponse"}},
    "token": {"type": "array", "minItems": 1, "items": {"$ref": "swagger.json#/definitions/TokenResponse"}},
    "errors": _ERRORS,
    "discovery": _DISCOVERY,
}
# The XML root of each answer, and the child a list container repeats.
ROOTS = {"services": "services", "service_definition": "service_definition", "requests": "service_requests",
         "post": "service_requests", "token": "service_requests", "errors": "errors", "discovery": "discovery"}
ITEMS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
         "values": "value", "endpoints": "endpoint", "formats": "format"}
_W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _w3_datetime(value: object) -> bool:
    """The spec's dates: w3 (ISO 8601) with the zone required."""
    if not isinstance(value, str) or not _W3.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    parsed = urlparse(value) if isinstance(value, str) else None
    return bool(parsed and parsed.scheme in ("http", "https") and parsed.netloc)


def validate(kind: str, instance: Any) -> None:
    """Raise jsonschema's ValidationError if `instance` breaks the schema of `kind`."""
    validator = Draft4Validator(SCHEMAS[kind], registry=_REGISTRY, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, f"{kind}: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    if kind in ("services", "requests", "post", "token"):  # the schemas leave an item's own type open
        assert all(isinstance(item, dict) for item in instance), instance


def _resolve(schema: dict, resolver) -> tuple[dict, Any]:
    while "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver
    return schema, resolver


def _kind_of(schema: dict, resolver) -> tuple[str, bool, dict, Any]:
    """(JSON type, null allowed, the schema of that type, its resolver), looking through anyOf [X, null]."""
    schema, resolver = _resolve(schema, resolver)
    nullable = False
    if "anyOf" in schema:
        options = [_resolve(option, resolver) for option in schema["anyOf"]]
        nullable = any(option.get("type") == "null" for option, _ in options)
        schema, resolver = next(((o, r) for o, r in options if o.get("type") != "null"), ({}, resolver))
    kind = schema.get("type") or ("object" if "properties" in schema or "required" in schema else "string")
    return kind, nullable, schema, resolver


def _read(element: ElementTree.Element, schema: dict, resolver) -> Any:
    kind, nullable, schema, resolver = _kind_of(schema, resolver)
    children = list(element)
    if kind == "array":
        assert all(child.tag == ITEMS[element.tag] for child in children), (element.tag, [c.tag for c in children])
        return [_read(child, schema.get("items", {}), resolver) for child in children]
    if kind == "object":
        tags = [child.tag for child in children]
        assert len(tags) == len(set(tags)), f"<{element.tag}> repeats a field: {tags}"
        properties = schema.get("properties", {})
        return {child.tag: _read(child, properties.get(child.tag, {}), resolver) for child in children}
    assert not children, f"<{element.tag}> should hold a {kind}, not elements"
    text = element.text
    if not text:
        return None if nullable or kind != "string" else ""
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    try:
        return int(text) if kind == "integer" else float(text) if kind == "number" else text
    except ValueError:
        return text  # left as text, the schema refuses it


def read_xml(kind: str, body: bytes) -> Any:
    """An XML answer as the JSON it stands for; asserts the declaration and the element names of the spec."""
    assert re.match(rb'<\?xml version="1.0" encoding="utf-8"\?>', body, re.IGNORECASE), body[:80]
    root = ElementTree.fromstring(body)
    assert root.tag == ROOTS[kind], (root.tag, kind)
    schema, resolver = SCHEMAS[kind], _REGISTRY.resolver()
    return _read(root, schema, resolver)


def check(kind: str, fmt: str, response) -> Any:
    """The answer (an httpx or requests response) as data, after checking its content type and its schema."""
    content_type = response.headers["content-type"]
    if fmt == "json":
        assert content_type.startswith("application/json"), content_type
        data = response.json()
    else:
        assert content_type.startswith("text/xml") and "utf-8" in content_type.lower(), content_type
        data = read_xml(kind, response.content)
    validate(kind, data)
    return data
