"""Named SQL blocks are parsed exactly and duplicates are refused."""
import pytest

from hotline.sql import parse_queries


def test_blocks_split_on_name_markers():
    queries = parse_queries("-- name: a\nSELECT 1;\n\n-- name: b\nSELECT 2\nFROM t;\n")
    assert queries == {"a": "SELECT 1", "b": "SELECT 2\nFROM t"}


def test_duplicate_names_are_refused():
    with pytest.raises(ValueError, match="defined twice"):
        parse_queries("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;")
