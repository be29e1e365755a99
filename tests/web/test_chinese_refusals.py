"""Every refusal the services raise reads in Chinese on the pages: the shared error wording (common.js) is run in a
real browser on each Conflict message found in the code, and on a field reason it does not know."""
from __future__ import annotations

import re
from pathlib import Path

HOTLINE = Path(__file__).resolve().parents[2] / "hotline"
RAISED = re.compile(r'raise Conflict\(\s*(f?)"([^"]*)"')
# A sample value for each placeholder, as the service would fill it.
SAMPLES = [
    (re.compile(r"\{(?:username|name)!r\}"), "'wf01'"),
    (re.compile(r"\{'enabled' if active else 'disabled'\}"), "disabled"),
    (re.compile(r"\{order\['status'\]\}"), "answered"),
    (re.compile(r"\{request\['status'\]\}"), "approved"),
    (re.compile(r"\{parent\['status'\]\}"), "closed"),
    (re.compile(r"\{kind\}"), "duty"),
    (re.compile(r"\{ticket(?:\['ticket_number'\]|_number)\}"), "202612030001"),
    (re.compile(r"\{day\.isoformat\(\)\}"), "2027-01-01"),
    (re.compile(r"\{\w+_id\}"), "12"),
    (re.compile(r"\{sub\.channel\}"), "web"),
    (re.compile(r"\{channel\}"), "phone"),
    (re.compile(r"\{sub\.external_id\}"), "c0ffee"),
]
# Refusals no page can meet: Open311 clients read the API's English.
API_ONLY = ("Open311 key named",)


def refusals() -> list[str]:
    messages = set()
    for path in HOTLINE.rglob("*.py"):
        for is_f, text in RAISED.findall(path.read_text(encoding="utf-8")):
            if is_f:
                for pattern, value in SAMPLES:
                    text = pattern.sub(value, text)
            messages.add(text)
    return sorted(m for m in messages if not any(skip in m for skip in API_ONLY))


async def test_every_conflict_the_services_raise_is_worded_in_chinese(open_session):
    reader = await open_session()
    await reader.goto("/login")
    messages = refusals()
    assert len(messages) >= 15 and not [m for m in messages if "{" in m]
    said = await reader.page.evaluate("""(messages) => messages.map((message) =>
        new Hotline.ApiError(409, { error: { code: "conflict", message } }).message)""", messages)
    generic = await reader.page.evaluate("""() => new Hotline.ApiError(409, { error: { code: "conflict",
        message: "something new" } }).message""")
    untranslated = [m for m, s in zip(messages, said) if s == generic or re.search(r"[A-Za-z]{4,}", s)]
    assert untranslated == [], "\n".join(untranslated)
    assert re.fullmatch(r"[^A-Za-z]+", generic)  # a refusal without wording yet is still said in Chinese
    field = await reader.page.evaluate("""() => new Hotline.ApiError(422, { error: { code: "validation_error",
        fields: [{ field: "display_name", reason: "some new rule" }] } }).message""")
    assert field == "填写有误：姓名（不符合要求）"
