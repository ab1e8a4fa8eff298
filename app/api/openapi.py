"""The OpenAPI 3.1 description of API v1, kept beside the views it describes.

Built as data so a test can check that every route is described and that real responses fit
the schemas. Descriptions are English: the document is for developers, not for citizens.
"""

from __future__ import annotations

from functools import cache

from rosa.guides import FieldKind
from rosa.routing import MAX_OVERRIDE_NOTE, Outcome, OverrideReason
from rosa.vocabulary import CaseStatus, Channel, CustomerKind, EventKind, Resolution

OUTCOMES = [outcome.value for outcome in Outcome]


def _values(enum) -> list[str]:
    return [member.value for member in enum]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False, **extra}


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
INSTANT = {"type": "string", "format": "date-time", "description": "UTC, ISO 8601"}
GUIDE_ANSWER = {"type": ["string", "number", "boolean"]}

CASE_PROPERTIES = {
    "reference": {"type": "string", "examples": ["KC-2026-000123"]},
    "tracking_code": {"type": "string", "examples": ["ABCD-EFGH-JKMN"],
                      "description": "For the citizen's tracking page."},
    "status": {"type": "string", "enum": _values(CaseStatus)},
    "resolution": {"type": "string", "enum": _values(Resolution)},
    "rosa_level": {"type": "integer", "minimum": 1, "maximum": 6},
    "urgent": {"type": "boolean"},
    "channel": {"type": "string", "enum": _values(Channel)},
    "label": _object({"id": {"type": "integer"}, "path": {"type": "array", "items": STRING}}),
    "department": _ref("Unit"),
    "group": {**_nullable(_ref("Unit")),
              "description": "The queue; null when resolved at first contact."},
    "created_at": INSTANT,
    "resolved_at": {**INSTANT, "type": ["string", "null"]},
}

SCHEMAS = {
    "Error": _object({
        "error": {"type": "string", "description": "A stable code, e.g. `unauthorized`."},
        "message": {"type": "string", "description": "For people, in the response's language."},
    }),
    "FieldErrors": _object(
        {
            "error": {"type": "string", "enum": ["bad_request", "validation_failed"]},
            "message": STRING,
            "fields": {
                "type": "object",
                "description": "Messages per field; nested fields are dotted "
                               "(`customer.email`); `body` is the body as a whole.",
                "additionalProperties": {"type": "array", "items": STRING},
            },
        },
    ),
    "Unit": _object({"code": STRING, "name": STRING},
                    description="A department or an answer group."),
    "Routing": _object({
        "outcome": {"type": "string", "enum": OUTCOMES},
        "reason": {"type": "string", "description": "Why, for people (translated)."},
        "overridden": {"type": "boolean",
                       "description": "Forwarded on request although it could be answered."},
        "action": {"type": "boolean",
                   "description": "An action label: answered at first contact and also sent "
                                  "to the label's group for an action (docs/routing.md)."},
    }),
    "GuideField": _object(
        {
            "key": {"type": "string", "description": "The answer's name in `guide`."},
            "title": STRING,
            "kind": {"type": "string", "enum": _values(FieldKind)},
            "required": {"type": "boolean",
                         "description": "Must be answered when the case is forwarded."},
            "help_text": STRING,
            "choices": {"type": "array", "items": STRING,
                        "description": "The allowed answers of a `choice` field."},
        },
        description="One field of a label's guide: what the department needs to know.",
    ),
    "Label": _object({
        "id": {"type": "integer"},
        "name": STRING,
        "path": {"type": "array", "items": STRING, "minItems": 3, "maxItems": 3,
                 "description": "Function, case type, label."},
        "rosa_level": {"type": "integer", "minimum": 1, "maximum": 6},
        "department": _ref("Unit"),
        "group": _ref("Unit"),
        "mandate": {"type": "boolean",
                    "description": "The contact centre may handle levels 3–4 itself."},
        "urgent": {"type": "boolean"},
        "avoidable": {"type": "boolean"},
        "signal_words": {"type": "array", "items": STRING},
        "active": {"type": "boolean", "description": "False for retired labels."},
        "routing": {**_ref("Routing"), "description": "What happens by default."},
        "guide": {"type": "array", "items": _ref("GuideField"),
                  "description": "Only with `include_guides=1`: the case type's fields, then "
                                 "the label's own, in order."},
    }, required=["id", "name", "path", "rosa_level", "department", "group", "mandate",
                 "urgent", "avoidable", "signal_words", "active", "routing"]),
    "CaseType": _object({
        "id": {"type": "integer"}, "name": STRING, "active": {"type": "boolean"},
        "labels": {"type": "array", "items": _ref("Label")},
    }),
    "Function": _object({
        "id": {"type": "integer"}, "name": STRING, "active": {"type": "boolean"},
        "case_types": {"type": "array", "items": _ref("CaseType")},
    }),
    "Taxonomy": _object({"functions": {"type": "array", "items": _ref("Function")}}),
    "CustomerInput": _object(
        {
            "kind": {"type": ["string", "null"], "enum": [*_values(CustomerKind), None],
                     "default": "private"},
            "name": NULLABLE_STRING,
            "email": NULLABLE_STRING,
            "phone": NULLABLE_STRING,
            "address": NULLABLE_STRING,
            "personnummer": {**NULLABLE_STRING, "description": "Private persons only."},
            "organisationsnummer": {**NULLABLE_STRING, "description": "Businesses only."},
        },
        required=[],
        description="A forwarded case needs a name and a phone number, e-mail or address.",
    ),
    "ContactInput": _object(
        {
            "channel": {"type": "string", "enum": _values(Channel)},
            "label_id": {"type": "integer", "minimum": 1},
            "citizen_words": {"type": "string", "description": "What the citizen asked."},
            "answer_given": {**NULLABLE_STRING,
                             "description": "Required when answered at first contact."},
            "requested": {"type": ["string", "null"], "enum": ["", *OUTCOMES, None],
                          "description": "Empty: follow the routing rules. `forward` may "
                                         "always be asked; `first_contact` only where allowed."},
            "override_reason": {
                "type": ["string", "null"], "enum": ["", *_values(OverrideReason), None],
                "description": "Why a contact the contact centre could answer is forwarded "
                               "anyway (`requested: forward` where the rules say "
                               "`first_contact`): required then, unless `override_note` "
                               "says it; `other` needs `override_note`; `self_service` is "
                               "for channels where nobody answers the citizen (e-services). "
                               "Ignored otherwise."},
            "override_note": {**NULLABLE_STRING, "maxLength": MAX_OVERRIDE_NOTE,
                              "description": "The reason for forwarding anyway, in words."},
            "received_at": {"type": ["string", "null"], "format": "date-time",
                            "description": "With a time zone; at most 5 minutes ahead. "
                                           "Default: now."},
            "customer": _nullable(_ref("CustomerInput")),
            "guide": {"type": ["object", "null"],
                      "additionalProperties": {"type": ["string", "number", "boolean",
                                                        "null"]},
                      "description": "Answers to the label's guide by field key (see "
                                     "`include_guides` on the taxonomy). A forwarded case "
                                     "needs every required field; values are validated "
                                     "and normalised by kind."},
        },
        required=["channel", "label_id", "citizen_words"],
    ),
    "CaseCreated": _object({**CASE_PROPERTIES, "routing": _ref("Routing")}),
    "CustomerOutput": _object({
        "kind": {"type": "string", "enum": _values(CustomerKind)},
        "name": STRING,
        "email": NULLABLE_STRING,
        "phone": NULLABLE_STRING,
        "address": NULLABLE_STRING,
        "personnummer": {**NULLABLE_STRING, "examples": ["19811218-****"],
                         "description": "Masked: birth date only."},
        "organisationsnummer": NULLABLE_STRING,
    }),
    "ContactOutput": _object({
        "channel": {"type": "string", "enum": _values(Channel)},
        "received_at": INSTANT,
        "citizen_words": STRING,
        "answer_given": STRING,
    }),
    "Event": _object({
        "kind": {"type": "string", "enum": _values(EventKind)},
        "title": {"type": "string", "description": "The kind, for people (translated)."},
        "at": INSTANT,
        "actor": {**NULLABLE_STRING, "description": "Username; null for the system."},
        "citizen_visible": {"type": "boolean"},
        "data": {"type": "object", "description": "Details; keys depend on the kind."},
    }),
    "CaseDetail": _object({
        **CASE_PROPERTIES,
        "updated_at": INSTANT,
        "customer": _nullable(_ref("CustomerOutput")),
        "guide": {"type": "object", "additionalProperties": GUIDE_ANSWER,
                  "description": "The answers to the label's guide, by field key, "
                                 "normalised; a personnummer is masked."},
        "contacts": {"type": "array", "items": _ref("ContactOutput")},
        "events": {"type": "array", "items": _ref("Event"),
                   "description": "The case history, oldest first."},
    }),
}


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    response = {"description": description,
                "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


LANGUAGE_PARAMETERS = [
    {"name": "Accept-Language", "in": "header", "required": False,
     "schema": {"type": "string", "examples": ["en"]},
     "description": "`sv` (default) or `en`, for messages meant for people."},
    {"name": "lang", "in": "query", "required": False,
     "schema": {"type": "string", "enum": ["sv", "en"]},
     "description": "Overrides Accept-Language."},
]
UNAUTHORIZED = _error("No token, or an unknown or revoked one.") | {
    "headers": {"WWW-Authenticate": {"schema": STRING}}
}

PATHS = {
    "/api/v1/taxonomy": {
        "get": {
            "operationId": "getTaxonomy",
            "summary": "The classification tree: functions, case types, labels",
            "parameters": [
                {"name": "include_retired", "in": "query", "required": False,
                 "schema": {"type": "boolean", "default": False},
                 "description": "`1` or `true` to include retired labels."},
                {"name": "include_guides", "in": "query", "required": False,
                 "schema": {"type": "boolean", "default": False},
                 "description": "`1` or `true` to give each label its guide fields."},
                *LANGUAGE_PARAMETERS,
            ],
            "responses": {"200": _json(_ref("Taxonomy"), "The tree."),
                          "401": UNAUTHORIZED},
        },
    },
    "/api/v1/contacts": {
        "post": {
            "operationId": "logContact",
            "summary": "Log a contact; it becomes a case, resolved or forwarded by the rules",
            "description": "Agents, managers and administrators only.",
            "parameters": LANGUAGE_PARAMETERS,
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("ContactInput")}}},
            "responses": {
                "201": _json(_ref("CaseCreated"), "The case was created.",
                             {"Location": {"schema": STRING,
                                           "description": "/api/v1/cases/{reference}"}}),
                "400": _json(_ref("FieldErrors"), "Not JSON, or fields of the wrong type."),
                "401": UNAUTHORIZED,
                "403": _error("The token's user may not log contacts."),
                "415": _error("The body is not sent as application/json."),
                "422": _json(_ref("FieldErrors"), "The contact breaks the intake rules; "
                                                  "nothing was saved."),
            },
        },
    },
    "/api/v1/cases/{reference}": {
        "get": {
            "operationId": "getCase",
            "summary": "A case with its contacts and history",
            "description": "Handlers see only their department's cases.",
            "parameters": [
                {"name": "reference", "in": "path", "required": True,
                 "schema": {"type": "string", "examples": ["KC-2026-000123"]}},
                *LANGUAGE_PARAMETERS,
            ],
            "responses": {
                "200": _json(_ref("CaseDetail"), "The case."),
                "401": UNAUTHORIZED,
                "404": _error("No such case, or not one the token's user may see."),
            },
        },
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1",
                                  "content": {"application/json": {"schema": {
                                      "type": "object"}}}}},
        },
    },
    "/api/v1/docs": {
        "get": {
            "operationId": "getDocs",
            "summary": "A short HTML page pointing to this document",
            "security": [],
            "responses": {"200": {"description": "HTML",
                                  "content": {"text/html": {"schema": STRING}}}},
        },
    },
}


@cache
def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "En väg in API",
            "version": "1.0.0",
            "description": "Log contacts through the contact centre's one way in and follow "
                           "the cases they become. Errors are JSON objects with `error` and "
                           "`message`. See docs/api.md for a walk-through.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "A token from `flask users token`."},
            },
        },
    }
