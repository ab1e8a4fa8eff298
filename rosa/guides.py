"""Case-type guides: the information a case type or label needs before it can be forwarded.

A guide is an ordered list of typed fields. This module holds the field kinds; validation of
the answers lives beside them so that the console, the API and the citizen form agree.
"""

from __future__ import annotations

from enum import StrEnum

from rosa.i18n import N_


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    YES_NO = "yes_no"
    PLACE = "place"
    PERSONNUMMER = "personnummer"
    ORGANISATIONSNUMMER = "organisationsnummer"
    FASTIGHET = "fastighetsbeteckning"
    VEHICLE = "vehicle"
    PHONE = "phone"
    EMAIL = "email"

    @property
    def title(self) -> str:
        return _KIND_TITLES[self]


_KIND_TITLES = {
    FieldKind.TEXT: N_("Text"),
    FieldKind.LONG_TEXT: N_("Long text"),
    FieldKind.NUMBER: N_("Number"),
    FieldKind.DATE: N_("Date"),
    FieldKind.CHOICE: N_("Choice"),
    FieldKind.YES_NO: N_("Yes/no"),
    FieldKind.PLACE: N_("Address or place description"),
    FieldKind.PERSONNUMMER: N_("Personal identity number"),
    FieldKind.ORGANISATIONSNUMMER: N_("Organisation number"),
    FieldKind.FASTIGHET: N_("Property designation"),
    FieldKind.VEHICLE: N_("Vehicle registration number"),
    FieldKind.PHONE: N_("Phone"),
    FieldKind.EMAIL: N_("E-mail"),
}
