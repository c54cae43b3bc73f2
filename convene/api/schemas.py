from __future__ import annotations

from datetime import date

from ninja import Field, Schema


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
    count: int = Field(description="Matches, counted up to 1,000 (1,001 means more)")
    more: bool = Field(description="More than 1,000 match: search more narrowly")
    page: int
    pages: int
    items: list[ChildOut]
