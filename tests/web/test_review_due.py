"""The department inbox lists its own service matters whose review date has passed (待复核事项)."""
from __future__ import annotations

import asyncpg


async def _review_date_passes(server, department: str) -> str:
    # Stands in for the calendar reaching the matter's review date.
    conn = await asyncpg.connect(server.database_url)
    try:
        return await conn.fetchval(
            "UPDATE matters SET review_due = current_date - 12 WHERE code = (SELECT min(code) FROM matters "
            "WHERE department_code = $1 AND active) RETURNING code", department)
    finally:
        await conn.close()


async def test_the_department_sees_its_matters_due_for_review(open_session, live_server):
    mine = await _review_date_passes(live_server, "zjj")
    theirs = await _review_date_passes(live_server, "gaj")
    department = await open_session()
    await department.login("dept_zjj")
    rows = department.page.locator("#review-due-table tbody tr")
    row = rows.filter(has_text=mine)
    await row.locator(".mark-overdue", has_text="天").wait_for()
    assert await rows.filter(has_text=theirs).count() == 0  # another department's matters are not shown
    await department.screenshot("department-review-due")
    assert department.errors == []
