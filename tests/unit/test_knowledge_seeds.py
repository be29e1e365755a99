"""The demo city's seed knowledge is complete enough to answer callers and refuses malformed entries."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from knowledge.seeds.load import DEPARTMENTS, SeedError, load_articles, load_bundles, load_matters


@pytest.fixture(scope="module")
def matters():
    return load_matters()


def test_the_city_has_at_least_160_matters(matters):
    assert len(matters) >= 160


def test_every_matter_tells_the_caller_something_to_bring(matters):
    for matter in matters:
        assert any(m["required"] for m in matter["materials"]), matter["code"]


def test_matter_codes_are_unique(matters):
    counts = Counter(m["code"] for m in matters)
    assert [code for code, n in counts.items() if n > 1] == []


def test_every_department_code_is_known(matters):
    articles = load_articles()
    bundles = load_bundles(matters=matters)
    used = {m["department"] for m in matters} | {a["department"] for a in articles}
    used |= {d for b in bundles for d in b["departments"]}
    assert used <= DEPARTMENTS


def test_at_least_ten_main_items_let_the_chat_ask_which_one(matters):
    sub_items: dict[str, set] = {}
    for matter in matters:
        sub_items.setdefault(matter["main_item"], set()).add(matter["sub_item"])
    with_choice = [main for main, subs in sub_items.items() if len(subs) >= 2 and None not in subs]
    assert len(with_choice) >= 10
    assert {"首次申领", "换领", "补领"} <= sub_items["居民身份证申领"]


def test_bundles_span_departments_and_reference_existing_matters(matters):
    codes = {m["code"] for m in matters}
    bundles = load_bundles(matters=matters)
    names = {b["name"] for b in bundles}
    assert {"出生一件事", "身后一件事", "开办企业一件事", "退休一件事"} <= names
    for bundle in bundles:
        assert set(bundle["matters"]) <= codes
        assert len(bundle["departments"]) >= 2


def test_at_least_40_faq_articles():
    articles = load_articles()
    assert len(articles) >= 40
    assert len({a["code"] for a in articles}) == len(articles)


def test_some_matters_are_due_for_review(matters):
    # The demo lists overdue matters to their owners; a few are seeded with an October 2026 due date.
    overdue_in_demo = [m for m in matters if m["review_due"].isoformat() < "2026-11-01"]
    assert len(overdue_in_demo) >= 5


def _write(tmp_path: Path, records: list) -> Path:
    path = tmp_path / "matters.yaml"
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    return path


def _one_valid_matter(matters) -> dict:
    return {**matters[0], "materials": [dict(m) for m in matters[0]["materials"]]}


def test_a_bad_material_form_is_reported_with_code_and_field(tmp_path, matters):
    matter = _one_valid_matter(matters)
    matter["materials"][0]["form"] = "scan"
    with pytest.raises(SeedError) as error:
        load_matters(_write(tmp_path, [matter]))
    assert matter["code"] in str(error.value)
    assert "materials[0].form" in str(error.value)


def test_a_missing_key_and_an_unknown_department_are_both_reported(tmp_path, matters):
    matter = _one_valid_matter(matters)
    del matter["hours"]
    matter["department"] = "cgj"
    with pytest.raises(SeedError) as error:
        load_matters(_write(tmp_path, [matter]))
    assert len(error.value.problems) == 2
    assert "hours: missing" in str(error.value)
    assert "unknown department code 'cgj'" in str(error.value)


def test_a_conditional_material_must_say_when_it_is_needed(tmp_path, matters):
    matter = _one_valid_matter(matters)
    matter["materials"].append({
        "name": "委托书", "form": "original", "copies": 1,
        "required": False, "condition": None, "note": None,
    })
    with pytest.raises(SeedError, match="must say when it is needed"):
        load_matters(_write(tmp_path, [matter]))


def test_a_bundle_naming_a_missing_matter_is_refused(tmp_path, matters):
    path = tmp_path / "bundles.yaml"
    path.write_text(yaml.safe_dump([{
        "code": "bundle-x", "name": "测试一件事", "description": "说明",
        "matters": ["gaj-sfz-bl", "no-such-matter"], "departments": ["gaj", "rsj"],
    }], allow_unicode=True), encoding="utf-8")
    with pytest.raises(SeedError, match="unknown matter code 'no-such-matter'"):
        load_bundles(path, matters=matters)
