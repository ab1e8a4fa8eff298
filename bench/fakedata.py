"""Plausible Swedish test people, businesses and contact texts for the benchmarks.

Everything is made up and drawn from a seeded `random.Random`, so a run can be repeated. The
identity numbers pass the same checks the app applies (Luhn digit, real birth date), phone
numbers look like Swedish mobile and landline numbers, and surnames follow a long-tailed
distribution: a few "-son" names are very common, as in Sweden, so a look-up by surname
sometimes matches thousands of customers and usually a handful.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

FIRST_NAMES = (
    "Anna Eva Maria Karin Sara Lena Kerstin Emma Ingrid Marie Malin Linnea Elin Johanna Sofia "
    "Ida Hanna Julia Elsa Alice Maja Ebba Wilma Astrid Agnes Fatima Amina Leila Zeynep Aisha "
    "Lars Erik Karl Anders Johan Per Nils Mikael Jan Hans Peter Olof Gustav Oskar Lucas William "
    "Liam Elias Hugo Noah Axel Adam Ali Mohammed Omar Ahmed Yusuf Jonas Mattias Fredrik Björn "
    "Åsa Örjan Göran Jörgen Märta Åke"
).split()

_SON_NAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Carlsson Petersson Magnusson Olofsson "
    "Gustavsson Mattsson Axelsson Hermansson Jakobsson Isaksson Göransson Fredriksson Danielsson "
    "Håkansson Mårtensson Sandberg Lindberg Lindström Lindqvist Lindgren Berglund Bergström"
).split()
_STEMS = (
    "Berg Lind Sjö Ek Al Björk Holm Dahl Lund Ström Gran Kvist Blom Sand Wall Nord Öst Hag Ros "
    "Lilje Ljung Malm Fors Strand Hed Mo Åker Bäck Sten Löv"
).split()
_ENDINGS = "berg gren ström lund kvist qvist holm dahl blad man ling borg sten fors".split()
_OTHER_NAMES = (
    "Ali Mohammed Hussein Ahmed Hassan Khalil Nguyen Tran Yilmaz Kaya Nowak Kowalski Korhonen "
    "Virtanen Jovanović Petrović Haddad Rahimi Karimi Abdi Farah Osman Silva Costa Müller"
).split()


def _surnames() -> tuple[list[str], list[float]]:
    names: list[str] = []
    weights: list[float] = []
    # Weights are per cent of people, roughly as in Sweden: Andersson 2.5 %, the 38 head names
    # together about 23 %, and a long tail of rarer names.
    for rank, name in enumerate(_SON_NAMES, start=1):
        names.append(name)
        weights.append(2.5 * rank**-0.6)
    for stem in _STEMS:
        for ending in _ENDINGS:
            if stem.lower() != ending:
                names.append(stem + ending)
                weights.append(0.16)
    for name in _OTHER_NAMES:
        names.append(name)
        weights.append(0.3)
    return names, weights


SURNAMES, _SURNAME_WEIGHTS = _surnames()
_SURNAME_CUM = list(accumulate(_SURNAME_WEIGHTS))

STREETS = (
    "Storgatan Kyrkogatan Drottninggatan Skolgatan Järnvägsgatan Parkvägen Björkvägen "
    "Ängsvägen Tallvägen Industrigatan Hamngatan Åsvägen Solvägen Granvägen Norra Vägen"
).split()
BUSINESS_KINDS = (
    "Bygg", "Måleri", "Städ", "Frisör", "Bageri", "Redovisning", "Transport", "Konsult",
    "Fastigheter", "Restaurang", "Blommor", "El", "VVS",
)
_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "ć": "c"})


def luhn_digit(digits: str) -> str:
    """The check digit that makes `digits` + it pass the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Person:
    kind: str  # "private" or "business"
    name: str
    phone: str | None
    email: str | None
    address: str | None
    personnummer: str | None  # as typed: YYYYMMDD-NNNN
    organisationsnummer: str | None  # as typed: NNNNNN-NNNN


class Faker:
    """Draws people, numbers and texts from one seeded random stream."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)

    def surname(self) -> str:
        return self.rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]

    def full_name(self) -> str:
        first = self.rng.choice(FIRST_NAMES)
        if self.rng.random() < 0.12:
            first += " " + self.rng.choice(FIRST_NAMES)
        last = self.surname()
        if self.rng.random() < 0.06:
            last += " " + self.surname()
        return f"{first} {last}"

    def phone(self) -> str:
        r = self.rng
        if r.random() < 0.8:
            digits = f"07{r.choice('02369')}{r.randrange(10_000_000):07d}"
            style = r.random()
            if style < 0.6:
                return f"{digits[:3]}-{digits[3:6]} {digits[6:8]} {digits[8:]}"
            if style < 0.85:
                return digits
            return f"+46 {digits[1:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}"
        area = r.choice(("08", "031", "040", "018", "013", "090"))
        rest = f"{r.randrange(10 ** (8 - len(area) + 1)):0{8 - len(area) + 1}d}"
        return f"{area}-{rest}"

    def personnummer(self) -> str:
        r = self.rng
        born = date(1930, 1, 1) + timedelta(days=r.randrange(365 * 75))
        serial = f"{r.randrange(1000):03d}"
        body = f"{born:%y%m%d}{serial}"
        return f"{born:%Y%m%d}-{serial}{luhn_digit(body)}"

    def organisationsnummer(self) -> str:
        r = self.rng
        body = f"55{r.randrange(10_000_000):07d}"  # 55xxxx: aktiebolag
        return f"{body[:6]}-{body[6:]}{luhn_digit(body)}"

    def address(self) -> str:
        r = self.rng
        return (f"{r.choice(STREETS)} {r.randrange(1, 120)}, "
                f"{r.randrange(100, 990)} {r.randrange(10, 99)} Exempelstad")

    def email_for(self, name: str) -> str:
        local = ".".join(name.lower().translate(_ASCII).split()[:2])
        domain = self.rng.choice(("example.se", "example.com", "example.net"))
        return f"{local}{self.rng.randrange(100)}@{domain}"

    def person(self, *, needs_contact: bool = False) -> Person:
        """A private person (92 %) or business; `needs_contact` guarantees a phone or e-mail."""
        r = self.rng
        if r.random() < 0.08:
            owner = self.surname()
            name = f"{owner}s {r.choice(BUSINESS_KINDS)} AB"
            orgnr = self.organisationsnummer() if r.random() < 0.7 else None
            phone = self.phone() if r.random() < 0.8 else None
            email = f"info@{owner.lower().translate(_ASCII)}.example.se" if (
                phone is None or r.random() < 0.5) else None
            address = self.address() if r.random() < 0.5 else None
            return Person("business", name, phone, email, address, None, orgnr)
        name = self.full_name()
        phone = self.phone() if r.random() < 0.85 else None
        email = self.email_for(name) if (phone is None or r.random() < 0.3) else None
        if not needs_contact and r.random() < 0.05:
            phone = email = None  # named caller who left no way to reach them
        address = self.address() if r.random() < 0.2 else None
        pnr = self.personnummer() if r.random() < 0.3 else None
        return Person("private", name, phone, email, address, pnr, None)

    def citizen_words(self, label_name: str) -> str:
        r = self.rng
        opening = r.choice((
            "Ringer och undrar över", "Har en fråga om", "Vill anmäla något gällande",
            "Hör av sig angående", "Behöver hjälp med", "Frågar om",
        ))
        detail = r.choice((
            "", " Har försökt hitta informationen på webben utan att lyckas.",
            " Det gäller adressen där hen bor.", " Ärendet är brådskande enligt den som ringer.",
            " Har varit i kontakt tidigare men inte fått svar.",
        ))
        return f"{opening} {label_name.lower()}.{detail}"

    def answer(self, label_name: str) -> str:
        return self.rng.choice((
            f"Informerade om {label_name.lower()} och hänvisade till kommunens webbplats.",
            "Gav information enligt kunskapsbanken. Medborgaren nöjd.",
            f"Förklarade hur det fungerar med {label_name.lower()} och skickade länk per e-post.",
            "Svarade på frågan direkt i samtalet.",
        ))
