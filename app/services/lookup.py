"""Agent case look-up by reference, phone number, e-mail address or name.

All searches start from `visible_cases(user)` and use indexed, exact or prefix comparisons,
so a look-up stays fast with millions of cases.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, intersect, select
from sqlalchemy.orm import Session, joinedload

from app.access import visible_cases
from app.services.references import normalize_reference
from models import Case, Customer, CustomerNameTerm, Label, User
from rosa.identity import name_terms, phone_key

MAX_RESULTS = 50
_REFERENCE = re.compile(r"^[A-Z]{1,5}-\d{4}-\d{1,9}$")
_PHONEISH = re.compile(r"^[\d\s+\-()]+$")
_TOP = chr(0x10FFFF)


def classify_query(text: str) -> str:
    """Which kind of look-up the agent typed: reference, email, phone or name."""
    stripped = text.strip()
    if _REFERENCE.match(normalize_reference(stripped)):
        return "reference"
    if "@" in stripped:
        return "email"
    if _PHONEISH.match(stripped) and len(re.sub(r"\D", "", stripped)) >= 5:
        return "phone"
    return "name"


def find_cases(session: Session, user: User, text: str) -> tuple[str, list[Case]]:
    kind = classify_query(text)
    query = visible_cases(user)
    if kind == "reference":
        query = query.where(Case.reference == normalize_reference(text))
    elif kind == "email":
        query = _by_customer(query, select(Customer.id).where(
            Customer.email == text.strip().lower()))
    elif kind == "phone":
        key = phone_key(text)
        query = _by_customer(query, select(Customer.id).where(
            Customer.phone_key >= key, Customer.phone_key < key + _TOP))
    else:
        terms = [t for t in name_terms(text) if len(t) >= 2][:4]
        if not terms:
            return kind, []
        parts = [select(CustomerNameTerm.customer_id).where(
            CustomerNameTerm.term >= term, CustomerNameTerm.term < term + _TOP)
            for term in terms]
        ids = parts[0] if len(parts) == 1 else intersect(*parts)
        query = _by_customer(query, ids)
    # Pick the newest ids first (narrow, index-only), then load just those rows with their
    # relations: joining customers and labels for every match made common surnames slow.
    newest = [row[0] for row in session.execute(
        query.with_only_columns(Case.id).order_by(Case.created_at.desc(), Case.id.desc())
        .limit(MAX_RESULTS))]
    if not newest:
        return kind, []
    cases = session.scalars(select(Case).where(Case.id.in_(newest)).options(
        joinedload(Case.customer), joinedload(Case.label).joinedload(Label.case_type),
        joinedload(Case.group),
    )).unique()
    by_id = {case.id: case for case in cases}
    return kind, [by_id[case_id] for case_id in newest]


def _by_customer(query: Select, customer_ids) -> Select:
    return query.where(Case.customer_id.in_(customer_ids))
