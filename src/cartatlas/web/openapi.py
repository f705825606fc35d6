"""The OpenAPI document says every status and media type the API can answer with.

FastAPI documents 200 and 422 from the route signatures. The rest comes from exception handlers
and request-body checks it cannot see: 404 (unknown product, study, trial), 503 (no evidence or
no registry data loaded yet), 413 and 422 (a posted document over its cap, or not valid), and the
claims document's schema (the route reads the raw body). Clients and contract tests
(schemathesis) read the document, so it must hold them all; :func:`document_responses` adds
them to every ``/api`` operation once, when the schema is first built.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

_DETAIL = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
    }
}
_INVALID = {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}
ERRORS = {
    "404": "Not found: no such product, study, trial or page.",
    "503": "The store holds no evidence or no registry data yet: run `cartatlas kb load` or "
    "`cartatlas import`.",
}
POSTED = {
    "413": "The posted document is larger than the route accepts.",
    "422": "The posted document cannot be read, or a field is not valid (the detail names it).",
}


def _add_errors(operation: dict[str, Any], method: str) -> None:
    responses = operation.setdefault("responses", {})
    for status, description in {**ERRORS, **(POSTED if method == "post" else {})}.items():
        content = _INVALID if status == "422" else _DETAIL
        responses.setdefault(status, {"description": description, "content": content})


def _claims_body(schema: dict[str, Any]) -> None:
    """The claims document's JSON schema, from the model the route validates it with."""
    from cartatlas.analyses.claims import ClaimsFile

    model = ClaimsFile.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.setdefault("components", {}).setdefault("schemas", {}).update(model.pop("$defs", {}))
    content = schema["paths"]["/api/claims"]["post"]["requestBody"]["content"]
    example = content["application/json"]["schema"].get("example")
    for media_type in content:  # YAML is the same document, written as YAML
        content[media_type]["schema"] = {**model, "example": example}


def document_responses(app: FastAPI) -> None:
    """Build ``app``'s OpenAPI document with the error responses of every API operation."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            for path, operations in schema.get("paths", {}).items():
                if path.startswith("/api"):
                    for method, operation in operations.items():
                        _add_errors(operation, method)
            _claims_body(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
