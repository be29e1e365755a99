"""GeoReport v2 answers in both formats: JSON as built, XML by the spec's Spark convention (a list is a container
element of one repeated child), and errors as the spec's `[{code, description}]` or `<errors><error>`."""
from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi.responses import JSONResponse, Response

FORMATS = ("json", "xml")
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# The child element each list container repeats.
_ITEM = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
         "values": "value", "endpoints": "endpoint", "formats": "format"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def format_of(path: str) -> str:
    """The format a path asks for: its suffix, XML (the spec's default) when it names neither."""
    return "json" if path.endswith(".json") else "xml"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: Element, name: str, value: Any) -> None:
    element = SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _append(element, _ITEM[name], item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, body: list | dict) -> bytes:
    element = Element(root)
    if isinstance(body, list):
        for item in body:
            _append(element, _ITEM[root], item)
    else:
        for key, item in body.items():
            _append(element, key, item)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="unicode").encode("utf-8")


def respond(fmt: str, root: str, body: list | dict, *, status: int = 200, headers: dict | None = None) -> Response:
    """`body` as JSON, or as XML under the element `root` (services, service_requests, service_definition, ...)."""
    if fmt == "json":
        return JSONResponse(body, status_code=status, headers=headers, media_type=JSON_TYPE)
    return Response(to_xml(root, body), status_code=status, headers=headers, media_type=XML_TYPE)


def errors(fmt: str, status: int, descriptions: list[str], *, headers: dict | None = None) -> Response:
    """The spec's error answer: one {code, description} per problem, the code being the HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": d} for d in descriptions],
                   status=status, headers=headers)
