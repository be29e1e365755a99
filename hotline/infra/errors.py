"""Domain errors, each mapped to one HTTP status and the API's error schema by the app."""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, **detail: Any):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.detail}}


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, *, current_status: str, action: str):
        super().__init__(
            f"cannot {action} a ticket that is {current_status}",
            current_status=current_status,
            action=action,
        )


class InvalidField(DomainError):
    """A value that passed the schema but breaks a domain rule; names the field like a 422."""

    status_code = 422
    code = "validation_error"

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}", fields=[{"field": field, "reason": reason}])


class InvalidFields(DomainError):
    """Several fields that break domain rules at once, each with its reason."""

    status_code = 422
    code = "validation_error"

    def __init__(self, fields: list[dict[str, str]]):
        super().__init__("; ".join(f"{f['field']}: {f['reason']}" for f in fields), fields=fields)
