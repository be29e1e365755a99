"""The demo city gazetteer: addresses placed in the right district and street, and a coherent seed file."""
import pytest
import yaml

from hotline.text.address import CITY_YAML, Gazetteer

DISTRICTS = {
    "330302": "鹿城区", "330303": "龙湾区", "330304": "瓯海区", "330305": "洞头区", "330324": "永嘉县",
    "330326": "平阳县", "330327": "苍南县", "330328": "文成县", "330329": "泰顺县", "330381": "瑞安市",
    "330382": "乐清市", "330383": "龙港市",
}


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load()


@pytest.fixture(scope="module")
def seed():
    with open(CITY_YAML, encoding="utf-8") as file:
        return yaml.safe_load(file)


@pytest.mark.parametrize(
    ("text", "district", "street"),
    [
        ("温州市鹿城区五马街道解放街12号", "鹿城区", "五马街道"),
        ("瑞安塘下镇", "瑞安市", "塘下镇"),
        ("浙江省温州市乐清市柳市镇长虹村", "乐清市", "柳市镇"),
        ("我住在平阳坑镇", "瑞安市", "平阳坑镇"),  # not 平阳县: 平阳 is part of a longer name
        ("永嘉县", "永嘉县", None),
        ("浙江省温州市龙湾区永强大道88号", "龙湾区", None),
        ("五马街上有家店占道经营", "鹿城区", None),  # a landmark gives the district only
        ("雁荡山景区门口乱停车", "乐清市", None),
        ("苍南县的矾山镇和瑞安的塘下镇", "苍南县", "矾山镇"),  # first of two equally long streets
        ("我刚从杭州回来，家在鹿城区五马街道", "鹿城区", "五马街道"),
    ],
)
def test_address_is_placed_in_district_and_street(gazetteer, text, district, street):
    location = gazetteer.locate(text)
    assert (location.district, location.street) == (district, street)


def test_street_implies_its_district_code(gazetteer):
    location = gazetteer.locate("塘下镇韩田村")
    assert (location.district_code, location.street_code[:6], location.matched) == ("330381", "330381", "塘下镇")


def test_street_in_the_named_district_wins(gazetteer):
    assert gazetteer.locate("鹿城区滨江街道").street_code.startswith("330302")


@pytest.mark.parametrize("text", ["杭州市西湖区", "杭州市滨江区滨江街道", "上海市浦东新区", "今天天气不错"])
def test_places_outside_the_city_are_not_located(gazetteer, text):
    assert gazetteer.locate(text) is None


def test_road_named_after_another_city_is_not_outside(gazetteer):
    assert gazetteer.elsewhere("温州上海路5号") is None
    assert gazetteer.elsewhere("家住杭州市") == "杭州"


def test_every_district_of_the_city_is_seeded_with_streets(seed):
    assert {d["code"]: d["name"] for d in seed["districts"]} == DISTRICTS
    assert all(len(d["streets"]) >= 6 for d in seed["districts"])


def test_street_codes_extend_their_district_code_and_names_are_unique(seed):
    codes = [s["code"] for d in seed["districts"] for s in d["streets"]]
    names = [s["name"] for d in seed["districts"] for s in d["streets"]]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    assert all(s["code"][:6] == d["code"] and len(s["code"]) == 9 for d in seed["districts"] for s in d["streets"])


def test_short_aliases_name_one_place_only(seed):
    aliases = [a for d in seed["districts"] for s in d["streets"] for a in s["aliases"]]
    aliases += [a for d in seed["districts"] for a in d["aliases"]]
    assert len(set(aliases)) == len(aliases)


def test_departments_form_a_tree_with_a_fallback_per_district(seed):
    departments = {d["code"]: d for d in seed["departments"]}
    assert len(departments) == len(seed["departments"])
    assert all(d["parent"] is None or d["parent"] in departments for d in departments.values())
    assert all(d["level"] in {"city", "district", "street"} for d in departments.values())
    fallbacks = {d["district"] for d in departments.values() if d["fallback"]}
    assert fallbacks == set(DISTRICTS)
    for code in DISTRICTS:
        assert departments[f"gov-{code}"]["level"] == "district"


def test_every_street_and_town_has_its_office(seed):
    departments = {d["code"]: d for d in seed["departments"]}
    for district in seed["districts"]:
        for street in district["streets"]:
            if street["name"].endswith(("街道", "镇", "乡")):
                office = departments[f"st-{street['code']}"]
                assert (office["level"], office["parent"], office["district"]) == (
                    "street", f"gov-{district['code']}", district["code"]
                )


def test_municipal_departments_of_the_shared_list_are_seeded(seed):
    city_codes = {d["code"] for d in seed["departments"] if d["level"] == "city"}
    shared = (
        "zjj sthjj jtysj jyj rsj swj wjw gaj scjgj zrzyj zhzfj mzj ybj gjj wgly slj nyncj yjglj fgw jxj czj "
        "tax sfj tyjr spj water power gas xfj tyj kjj dsj"
    )
    assert city_codes == set(shared.split())
