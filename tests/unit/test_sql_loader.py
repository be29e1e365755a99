"""Named SQL blocks are parsed exactly and duplicates are refused."""
import pytest

from hotline.infra.sql import bind, parse_named_queries, parse_queries


def test_blocks_split_on_name_markers():
    queries = parse_queries("-- name: a\nSELECT 1;\n\n-- name: b\nSELECT 2\nFROM t;\n")
    assert queries == {"a": "SELECT 1", "b": "SELECT 2\nFROM t"}


def test_duplicate_names_are_refused():
    with pytest.raises(ValueError, match="defined twice"):
        parse_queries("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;")


def test_named_parameters_become_positions_and_values_go_by_name():
    queries, names = parse_named_queries(
        "-- name: claim (named parameters)\n"
        "SELECT :channel::text, '10:30', :at::timestamptz, :channel || 'x' -- note: kept\n"
        "-- name: plain\nSELECT $1\n")
    assert queries == {"claim": "SELECT $1::text, '10:30', $2::timestamptz, $1 || 'x' -- note: kept",
                       "plain": "SELECT $1"}
    assert type(queries["claim"]) is str  # asyncpg takes nothing else
    assert names == {"claim": ("channel", "at")}
    assert bind(names["claim"], {"at": "2026-12-03", "channel": "phone"}) == ["phone", "2026-12-03"]
    with pytest.raises(TypeError, match=r"missing \['at', 'channel'\], unknown \['chanel'\]"):
        bind(names["claim"], {"chanel": "phone"})


def test_a_named_query_may_not_mix_in_positions():
    with pytest.raises(ValueError, match="named parameters"):
        parse_queries("-- name: mixed (named parameters)\nSELECT :a, $2\n")
