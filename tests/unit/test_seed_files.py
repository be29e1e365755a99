"""The project's YAML seed files say each thing once: YAML loaders silently keep the last of two equal keys, so a
section written twice (or a mapping key repeated) would quietly drop the first one."""
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEED_FILES = [ROOT / name for name in subprocess.run(
    ["git", "ls-files", "*.yaml", "*.yml"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()]


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def test_the_seed_files_are_found():
    assert {"duty_list.yaml", "city.yaml", "articles.yaml"} <= {path.name for path in SEED_FILES}


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_key_is_written_twice(path):
    yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
