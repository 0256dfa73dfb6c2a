"""Interface words and date labels in the site's language (issue 5, item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.dates import parse_date
from generator.errors import ConfigError
from generator.i18n import load_words, plural_form, reference_words
from generator.theme import THEME_DIR
from tests.conftest import write_files

THEME = [THEME_DIR]
EDTF = ["2023-09-04", "2023-09-01", "2023-07", "2023", "2023-09-10/2023-09-13", "2023-07?", "2023-07~", "2023-07%",
        "../2023-09-13", "../2023-07", "2023-09-10/..", "2023-07/..", "2023-09-10/", "2023-07/", "/2023-09-13",
        "2023-08-28/2023-09-03", "2022-12/2023-01", "2023-07/2023-09", "2023-07~/2023-09"]


@pytest.mark.parametrize(("edtf", "french", "arabic"), [
    ("2023-09-04", "4 septembre 2023", "4 سبتمبر 2023"),
    ("2023-09-01", "1er septembre 2023", "1 سبتمبر 2023"),
    ("2023-07", "juillet 2023", "يوليو 2023"),
    ("2023", "2023", "2023"),
    ("2023-09-10/2023-09-13", "10–13 septembre 2023", "10–13 سبتمبر 2023"),
    ("2023-07?", "juillet 2023 (date incertaine)", "يوليو 2023 (تاريخ غير مؤكد)"),
    ("2023-07~", "vers juillet 2023", "حوالي يوليو 2023"),
    ("2023-07%", "vers juillet 2023 (date incertaine)", "حوالي يوليو 2023 (تاريخ غير مؤكد)"),
    ("../2023-09-13", "jusqu’au 13 septembre 2023", "حتى 13 سبتمبر 2023"),
    ("../2023-07", "jusqu’en juillet 2023", "حتى يوليو 2023"),
    ("2023-09-10/..", "depuis le 10 septembre 2023", "منذ 10 سبتمبر 2023"),
    ("2023-07/..", "depuis juillet 2023", "منذ يوليو 2023"),
    ("2023-09-10/", "à partir du 10 septembre 2023 (fin inconnue)", "من 10 سبتمبر 2023 (النهاية غير معروفة)"),
    ("/2023-09-13", "début inconnu – 13 septembre 2023", "بداية غير معروفة – 13 سبتمبر 2023"),
    ("2023-08-28/2023-09-03", "28 août – 3 septembre 2023", "28 أغسطس – 3 سبتمبر 2023"),
    ("2022-12/2023-01", "décembre 2022 – janvier 2023", "ديسمبر 2022 – يناير 2023"),
    ("2023-07/2023-09", "juillet – septembre 2023", "يوليو – سبتمبر 2023"),
])
def test_french_and_arabic_date_labels(edtf: str, french: str, arabic: str) -> None:
    value = parse_date(edtf)
    assert load_words("fr", THEME).date_label(value) == french
    assert load_words("ar", THEME).date_label(value) == arabic


@pytest.mark.parametrize(("language", "label", "heading"), [
    ("de", "10.–13. September 2023", "März 2024"),
    ("es", "10–13 de septiembre de 2023", "marzo de 2024"),
])
def test_german_and_spanish_order_day_month_and_year_their_way(language: str, label: str, heading: str) -> None:
    words = load_words(language, THEME)
    assert words.date_label(parse_date("2023-09-10/2023-09-13")) == label
    assert words.month_heading(2024, 3) == heading


@pytest.mark.parametrize("edtf", EDTF)
def test_english_labels_are_the_ones_dates_py_gives(edtf: str) -> None:
    value = parse_date(edtf)
    assert load_words("en", THEME).date_label(value) == value.label


@given(st.dates(), st.dates())
def test_any_interval_has_a_label_in_every_language(a: object, b: object) -> None:
    value = parse_date(f"{min(a, b)}/{max(a, b)}")  # type: ignore[type-var]
    for language in ("en", "fr", "de", "es", "ar"):
        label = load_words(language, THEME).date_label(value)
        assert label.endswith(str(value.end.year)) and "{" not in label  # type: ignore[union-attr]


def test_unknown_language_falls_back_to_english() -> None:
    words = load_words("pt-BR", THEME)
    assert words.language == "en"
    assert words.t("latest_event") == "Latest event ↓"
    assert words.date_label(parse_date("2023-07~")) == "c. July 2023"
    assert load_words("fr-CA", THEME).language == "fr"


@pytest.mark.parametrize("language", ["fr", "de", "es", "ar"])
def test_built_in_languages_set_every_key(language: str) -> None:
    path = THEME_DIR / "locales" / f"{language}.yml"
    given_keys = set(yaml.safe_load(path.read_text(encoding="utf-8")))
    optional = {"months_alone", "year", "day_one"}  # the same as `months`, "{year}", "1"
    assert set(reference_words()) - optional - given_keys == set()


def test_a_missing_key_falls_back_to_english_and_a_project_can_add_a_language(tmp_path: Path) -> None:
    project = write_files(tmp_path / "templates", {
        "locales/it.yml": "timeline: Cronologia\nmonths: [gennaio, febbraio, marzo, aprile, maggio, giugno, luglio,"
                          " agosto, settembre, ottobre, novembre, dicembre]\n",
        "locales/fr.yml": "latest_event: Le plus récent ↓\n",
    })
    italian = load_words("it", [project, THEME_DIR])
    assert (italian.language, italian.t("timeline"), italian.t("latest_event")) == (
        "it", "Cronologia", "Latest event ↓")
    assert italian.date_label(parse_date("2023-07")) == "luglio 2023" and italian.month_name(7) == "luglio"
    french = load_words("fr", [project, THEME_DIR], {"apply": "Filtrer"})
    assert (french.t("latest_event"), french.t("timeline"), french.t("apply")) == (
        "Le plus récent ↓", "Chronologie", "Filtrer")


def test_a_project_locale_file_is_checked(tmp_path: Path) -> None:
    project = write_files(tmp_path / "templates", {"locales/fr.yml": "timeline: Chronologie\nlatest: Dernier\n"})
    with pytest.raises(ConfigError) as info:
        load_words("fr", [project, THEME_DIR])
    assert [p.message for p in info.value.problems] == ["unknown interface word 'latest'"]
    assert info.value.problems[0].line == 2


@pytest.mark.parametrize(("language", "counts"), [
    ("ar", {0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many", 100: "other", 103: "few"}),
    ("fr", {0: "one", 1: "one", 2: "other"}),
    ("en", {0: "other", 1: "one", 2: "other"}),
])
def test_plural_forms(language: str, counts: dict[int, str]) -> None:
    assert {n: plural_form(language, n) for n in counts} == counts


def test_plurals_choose_the_form_of_the_number() -> None:
    arabic = load_words("ar", THEME)
    assert [arabic.tn("events_count", n) for n in (1, 2, 5, 11, 100)] == [
        "حدث واحد", "حدثان", "5 أحداث", "11 حدثًا", "100 حدث"]
    french = load_words("fr", THEME)
    assert [french.tn("matches", n) for n in (0, 1, 3)] == [
        "0 événement correspond", "1 événement correspond", "3 événements correspondent"]
    assert load_words("en", THEME).tn("events_count", 1) == "1 event"
