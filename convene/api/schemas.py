from __future__ import annotations

from datetime import date

from ninja import Schema


class ChildOut(Schema):
    id: int
    partnership: str
    first_name: str
    last_name: str
    full_name: str
    date_of_birth: date | None
    expected_date_of_delivery: date | None
    sex: str
    nhs_number: str
    legal_status: str


class ChildPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ChildOut]
