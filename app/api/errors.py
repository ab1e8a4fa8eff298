"""API errors as JSON: `{"error": code, "message": text}`, plus `fields` for input problems.

Views and hooks raise `ApiError`; the blueprint's handler turns it into the response. Errors
that arise outside the API's views (unknown URL, wrong method) are answered as JSON by
app/errors.py, which serves every /api/ path.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import jsonify
from flask_babel import gettext as _

from app.api import bp
from rosa.errors import RuleViolations

# Where the domain names a field differently from the API's request body.
FIELD_NAMES = {"resolution": "requested"}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        fields: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.fields = dict(fields) if fields is not None else None
        self.headers = dict(headers or {})


def bad_request(fields: Mapping[str, list[str]], message: str | None = None) -> ApiError:
    return ApiError(400, "bad_request", message or _("The request body is not valid."),
                    fields=fields)


def validation_failed(fields: Mapping[str, list[str]]) -> ApiError:
    return ApiError(422, "validation_failed", _("The contact could not be logged; see fields."),
                    fields=fields)


def rule_violations(refused: RuleViolations) -> ApiError:
    """The domain's violations, translated and keyed by the API's field names."""
    fields: dict[str, list[str]] = {}
    for name, violations in refused.by_field().items():
        fields.setdefault(FIELD_NAMES.get(name, name), []).extend(
            violation.format(_) for violation in violations
        )
    return validation_failed(fields)


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("No case with this reference was found."))


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    body: dict[str, object] = {"error": error.error, "message": error.message}
    if error.fields is not None:
        body["fields"] = error.fields
    return jsonify(body), error.status, error.headers
