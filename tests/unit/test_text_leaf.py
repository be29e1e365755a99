"""hotline.text is the leaf every package may import: it imports nothing of the product itself."""
import ast
from pathlib import Path

import hotline.text

PRODUCT = ("hotline", "classifier", "knowledge", "routing", "feedback")


def test_the_text_package_imports_nothing_of_the_product():
    imported = set()
    for path in Path(hotline.text.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
    assert "re" in imported  # the walk saw the imports
    assert sorted(m for m in imported if m.split(".")[0] in PRODUCT) == []
