"""Steps in the agent console's own controls, as an agent does them: the searchable pickers."""
from __future__ import annotations


async def choose_department(page, picker: str, typed: str, code: str) -> None:
    """Type into a department picker (a name, abbreviation or pinyin initials) and pick the department `code`."""
    box = page.locator(f"{picker} input.picker-input")
    await box.fill("")
    await box.press_sequentially(typed)
    await page.locator(f"{picker} .picker-option[data-code='{code}']").click()


async def choose_category(page, picker: str, path: str) -> None:
    """Step through 大类 / 中类 / 小类 of a category picker down to `path`."""
    parts = path.split("/")
    for level in range(1, len(parts) + 1):
        await page.select_option(f"{picker} select[data-level='{level}']", "/".join(parts[:level]))
