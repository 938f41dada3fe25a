"""People and adverts for the need-advert pages' tests: a holder in Leeds, the people who plan
for them, a PA nearby, and another holder's advert for "someone else's" cases."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from marketplace.permissions import Role
from tests.factories import (
    link_broker,
    link_representative,
    make_council,
    make_holder,
    make_need,
    make_pa,
    make_user,
)
from tests.holders.conftest import audit_rows, count, mail_to
from tests.listings.helpers import client_for, date_parts, text

# The need's start: within the year ahead that start dates may be.
START = date.today() + timedelta(days=60)

__all__ = [
    "audit_rows",
    "client_for",
    "count",
    "date_parts",
    "forms_without_token",
    "mail_to",
    "make_world",
    "need_form",
    "text",
]


def make_world() -> SimpleNamespace:
    leeds = make_council()
    holder = make_holder(leeds, name="Ada Holder")
    other_holder = make_holder(leeds, name="Olga Other")
    broker = link_broker(holder, make_user(Role.BROKER, name="Bea Broker"))
    representative = link_representative(holder, make_user(Role.REPRESENTATIVE, name="Rita Rep"))
    pa = make_pa(make_user(Role.PA, name="Pat Near"))
    need = make_need(holder)
    return SimpleNamespace(
        leeds=leeds,
        holder=holder,
        other_holder=other_holder,
        broker=broker,
        representative=representative,
        officer=make_user(Role.OFFICER, council=leeds),
        pa=pa,
        pa_user=pa.user,
        need=need,
        other_need=make_need(other_holder, title="Someone else's advert"),
    )


def need_form(**overrides: Any) -> dict[str, Any]:
    """A valid advert as a browser posts it."""
    data: dict[str, Any] = {
        "title": "PA for weekday mornings",
        "description": "Help getting up and breakfast.",
        "postcode": "LS6 2AB",
        "slots": ["mon:morning", "wed:morning"],
        "hours_hundredths": "7.5",
        "skills": ["personal-care"],
        "languages": ["en"],
        "preferred_gender": "",
        "required_checks": ["enhanced_dbs"],
        "start_on": date_parts(START),
        "end_on": ["", "", ""],
        "rate_pence": "13.50",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def forms_without_token(page: str) -> list[str]:
    forms = re.findall(r'<form[^>]*method="post".*?</form>', page, flags=re.S)
    assert forms
    return [form[:120] for form in forms if 'name="csrf_token"' not in form]
