"""Named bodies (issue 12): each body names the body a complaint about it goes to next, the
higher administrative body of seed 004 p. 13, as editable data "to be confirmed"; and what a
citizen reads of a body never holds a guessed phone number or hours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.catalogue import (
    BODIES_PATH,
    Body,
    Catalogue,
    HigherBody,
    OfficeHours,
    higher_address_id,
    higher_body_text,
    higher_label_id,
    load_catalogue,
)
from flows.enquiries import how_to_apply
from flows.messages import Text
from tests.ftl import plain_messages

LOCALES = ("kk", "ru", "en")
# Seed 003 (Kostanay region akimat decree No. 2 of 2026), statute p. 1 and p. 9.
SEED_003_NAME = "Қостанай облысы әкімдігінің балалардың құқықтарын қорғау басқармасы"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_kostanay_bodies_point_to_the_regional_child_rights_department(
        catalogue: Catalogue) -> None:
    for body in catalogue.region("kostanay").bodies:
        assert body.higher is not None, body.code
        assert body.higher.code == "kst-child-rights"
        assert not body.higher.confirmed  # to be confirmed: the seeds do not call it higher
        assert body.higher.verified  # its address is the statute's own (003 p. 9)
        assert body.higher.phone is None
        assert "003" in body.higher.source


@pytest.mark.parametrize("region", ["astana", "almaty", "shymkent"])
def test_the_cities_have_no_higher_body_until_one_is_confirmed(catalogue: Catalogue,
                                                               region: str) -> None:
    for body in catalogue.region(region).bodies:
        assert body.higher is None
        assert higher_body_text(body) == Text("higher-not-known")


def test_each_link_is_marked_to_be_confirmed_in_the_data() -> None:
    raw = json.loads(BODIES_PATH.read_text(encoding="utf-8"))
    for region in raw["regions"]:
        for row in region["bodies"]:
            assert "to be confirmed" in row["higher_note"], row["code"]
    for row in raw["higher_bodies"]:
        assert row["confirmed"] is False and "to be confirmed" in row["note"]
        assert row["phone"] is None  # never a guessed number
        assert not {"name", "address", "title", "label"} & set(row)  # words live in .ftl


@pytest.mark.parametrize("lang", LOCALES)
def test_every_higher_body_is_named_with_its_address(catalogue: Catalogue, lang: str) -> None:
    messages = plain_messages(lang, "higher.ftl")
    for higher in catalogue.higher_bodies:
        assert messages[higher_label_id(higher.code)]
        assert "110000" in messages[higher_address_id(higher.code)]
        assert "75" in messages[higher_address_id(higher.code)]
    if lang == "kk":
        assert messages[higher_label_id("kst-child-rights")] == SEED_003_NAME


def test_the_citizen_reads_the_higher_body_marked_while_unconfirmed(catalogue: Catalogue) -> None:
    rudny = catalogue.body("kst-rudny")
    args = {"name": Text("higher-kst-child-rights"),
            "address": Text("higher-kst-child-rights-address")}
    assert higher_body_text(rudny) == Text("higher-named-unconfirmed", args)
    confirmed = Body("x", "kostanay", None, None, "", higher=HigherBody("kst-child-rights",
                                                                       confirmed=True))
    assert higher_body_text(confirmed) == Text("higher-named", args)


def test_an_unknown_higher_body_is_refused_at_start_up(tmp_path: Path) -> None:
    body = {"code": "x-1", "phone": None, "hours": "mon-fri", "higher": "nowhere"}
    path = tmp_path / "bodies.json"
    path.write_text(json.dumps({"regions": [{"code": "r", "bodies": [body]}]}),
                    encoding="utf-8")
    with pytest.raises(ValueError, match="nowhere"):
        load_catalogue(path)


def test_office_hours_come_from_the_data_or_are_not_shown(catalogue: Catalogue) -> None:
    assert catalogue.body("kst-rudny").office_hours == OfficeHours(
        "mon-fri", "09:00", "18:30", ("13:00", "14:30"))
    assert Body("x", "r", None, None, "by appointment").office_hours is None
    assert Body("x", "r", None, None, "mon-sat 09:00-20:00").office_hours == OfficeHours(
        "mon-sat", "09:00", "20:00")


def test_how_to_apply_guesses_nothing(catalogue: Catalogue) -> None:
    rudny = catalogue.body("kst-rudny")  # address unverified, hours known, no phone
    where, when, phone = how_to_apply(rudny)
    assert where == Text("rights-body-unverified", {"body": Text("body-kst-rudny"),
                                                    "address": Text("body-kst-rudny-address")})
    assert when == Text("rights-hours-lunch", {"days": "mon-fri", "opens": "09:00",
                                               "closes": "18:30", "lunch_from": "13:00",
                                               "lunch_to": "14:30"})
    assert phone == Text("rights-phone-unknown")
    known = Body("x", "r", "+77142000000", None, "whenever", verified=True)
    where, when, phone = how_to_apply(known)
    assert where.key == "rights-body" and when == Text("rights-hours-unknown")
    assert phone == Text("rights-phone", {"phone": "+77142000000"})
