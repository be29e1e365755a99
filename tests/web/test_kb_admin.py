"""知识库维护 on the supervisor dashboard in a real browser: export the FAQ articles as CSV, edit one answer in the
file, import it back and see it updated; a file with an emptied answer is refused row by row and changes nothing."""
from __future__ import annotations

import csv
from pathlib import Path

import httpx

# An article no other browser test reads: the live server's database is shared by the whole session.
ARTICLE = "faq-pesticide"
EDITED_ANSWER = "保留购买凭证、包装和剩余样品，向县（市、区）农业农村部门或12345举报投诉，农业综合行政执法机构依法查处。"
HEADER = ["编码", "问题", "答案", "部门编码", "关键词", "版本"]


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def _write_with_answer(rows: list[list[str]], answer: str, path: Path) -> int:
    """The exported rows with ARTICLE's answer replaced, written back as Excel keeps them (UTF-8 with BOM);
    returns the article's record number as the import counts it (header not counted)."""
    number = next(i for i, row in enumerate(rows) if row[0] == ARTICLE)
    edited = [list(row) for row in rows]
    edited[number][HEADER.index("答案")] = answer
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(edited)
    return number


async def _stored_answer(live_server) -> str:
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        response = await api.get(f"/api/v1/knowledge/articles/{ARTICLE}")
    assert response.status_code == 200, response.text
    return response.json()["answer"]


async def test_the_supervisor_exports_edits_and_imports_the_faq_articles(open_session, live_server, tmp_path):
    supervisor = await open_session()
    await supervisor.login("supervisor")
    page = supervisor.page
    panel = page.locator("#kb-admin-panel")
    await panel.get_by_role("heading", name="知识库维护").wait_for()

    await page.select_option("#kb-export-form [name=kind]", "articles")
    await page.select_option("#kb-export-form [name=format]", "csv")
    async with page.expect_download() as download_info:
        await page.click("#kb-export")
    download = await download_info.value
    assert download.suggested_filename.startswith("knowledge-articles-") and download.suggested_filename.endswith(".csv")
    exported = _read(Path(await download.path()))
    assert exported[0] == HEADER
    total = len(exported) - 1
    assert (await _stored_answer(live_server)) != EDITED_ANSWER

    edited_file = tmp_path / "articles-edited.csv"
    _write_with_answer(exported, EDITED_ANSWER, edited_file)
    assert edited_file.read_bytes().startswith(b"\xef\xbb\xbf")
    await page.select_option("#kb-import-form [name=kind]", "articles")
    await page.set_input_files("#kb-import-form [name=file]", str(edited_file))
    await page.click("#kb-import-form button[type=submit]")
    imported = page.locator("#kb-import-outcome[data-outcome=imported]")
    await imported.wait_for()
    text = await imported.text_content()
    assert f"新增 0 条，更新 1 条，未变 {total - 1} 条" in text
    assert f"更新：{ARTICLE}" in text
    assert await page.locator("#kb-import-form button[type=submit]").is_enabled()
    await supervisor.screenshot("supervisor-knowledge-import")
    assert await _stored_answer(live_server) == EDITED_ANSWER
    assert supervisor.errors == []

    emptied_file = tmp_path / "articles-emptied.csv"
    row_number = _write_with_answer(_read(edited_file), "", emptied_file)
    await page.set_input_files("#kb-import-form [name=file]", str(emptied_file))
    await page.click("#kb-import-form button[type=submit]")
    rejected = page.locator("#kb-import-outcome[data-outcome=rejected]")
    await rejected.wait_for()
    assert "未导入任何内容" in await rejected.text_content()
    bad_rows = rejected.locator("#kb-import-errors tbody tr")
    assert await bad_rows.count() == 1
    cells = await bad_rows.first.locator("td").all_text_contents()
    assert cells[0] == str(row_number) and cells[1] == ARTICLE and cells[2].startswith("答案")
    assert cells[3].startswith("不能为空")  # the reason in the page's language
    await supervisor.screenshot("supervisor-knowledge-import-rejected")
    assert await _stored_answer(live_server) == EDITED_ANSWER  # the first edit, not the emptied one
    # Chromium logs every 4xx response; this 422 is the import's documented answer, shown on the page above.
    assert supervisor.errors == ["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]
