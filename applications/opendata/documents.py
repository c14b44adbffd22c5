"""The machine-readable documents of the open data: CSV and JSON, written as streams.

Each document is a generator: the response sends it as it is produced, so the memory used does
not grow with the number of operations. Amounts are strings with two decimals in JSON
("12500.00"), never floats; dates are ISO 8601. In CSV every text cell goes through
`applications.exports.neutralise` (a title such as `=HYPERLINK(...)` stays text in a
spreadsheet); JSON strings are left as they are, since no program evaluates them.
"""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from applications.exports import neutralise
from portal.money import to_cents

from .selectors import MONEY_KEYS

LEGAL_BASIS = "Regulation (EU) 2021/1060, Article 49(3)"


def decimal_text(value) -> str | None:
    """A Decimal as a string with two decimals ("12500.00"); None stays None."""
    if value is None:
        return None
    # Amounts and the co-financing rate both have cents' precision.
    return str(to_cents(Decimal(value)))


def json_value(key: str, value):
    if value is None:
        return None
    if key in MONEY_KEYS or isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def operation_json(record: dict) -> dict:
    return {key: json_value(key, value) for key, value in record.items()}


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a stream."""

    def write(self, value):
        return value


def csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    """A CSV document, line by line: UTF-8 byte order mark, header row, neutralised cells."""
    writer = csv.writer(_Echo())
    # The byte order mark tells spreadsheets the file is UTF-8, so accents survive.
    yield "\ufeff" + writer.writerow([neutralise(header) for header in headers])
    for row in rows:
        yield writer.writerow(["" if value is None else neutralise(value) for value in row])


def operations_json_chunks(records: Iterable[dict], *, generated_at: datetime.datetime, filters: dict) -> Iterator[str]:
    """A JSON object holding the operations, piece by piece.

    `count` comes after the list: it is the number of operations actually written, so it always
    matches the list even if operations are approved while the document is being sent.
    """
    head = {
        "generated_at": generated_at.isoformat(),
        "legal_basis": LEGAL_BASIS,
        "currency": "EUR",
        "filters": filters,
    }
    # The head's closing brace is replaced by the opening of the list.
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "operations": ['
    count = 0
    for record in records:
        yield ("" if count == 0 else ",") + "\n" + json.dumps(operation_json(record), ensure_ascii=False)
        count += 1
    yield f'\n], "count": {count}}}\n'


def call_json(call, *, url: str) -> dict:
    """One open call of the feed; its moments in the agency's zone, with that zone's UTC offset."""
    programme = call.programme
    agency = programme.agency
    zone = agency.tzinfo
    return {
        "agency": {"name": agency.name, "region": agency.region},
        "programme": {
            "name": programme.name,
            "kind": programme.kind,
            "applicant_type": programme.applicant_type,
        },
        "title": call.title,
        "url": url,
        "opens_at": call.opens_at.astimezone(zone).isoformat(),
        "closes_at": call.closes_at.astimezone(zone).isoformat(),
        "time_zone": agency.timezone,
        "budget": decimal_text(call.budget),
        "year": call.year,
    }
