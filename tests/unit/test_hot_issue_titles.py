"""A hot issue is named by its place and problem; a 举报 read by its department copy, never its reporter's words."""
from datetime import datetime, timezone

import numpy as np

from hotline.hot_issues.service import cluster_tickets


def row(number: str, *, protected: bool, title: str, title_redacted: str | None) -> dict:
    vector = np.linspace(1.0, 1.1 + int(number) / 100, 16).astype(np.float32)
    vector /= np.linalg.norm(vector)
    return {"ticket_number": number, "title": title, "content_masked": "我叫张伟，举报解放街90号违章搭建",
            "protected": protected, "title_redacted": title_redacted, "content_redacted": "我叫【姓名】，举报解放街90号违章搭建",
            "district_code": "330302", "district_name": "鹿城区", "received_at": datetime.now(timezone.utc),
            "caller": f"caller-{number}", "vector": vector.tobytes()}


def test_a_reports_hot_issue_title_is_its_department_copy():
    report = row("1", protected=True, title="张伟举报违章搭建", title_redacted="【姓名】举报违章搭建")
    [issue] = cluster_tickets([report, row("2", protected=True, title="张伟举报违章搭建",
                                           title_redacted="【姓名】举报违章搭建")], similarity=0.9)
    assert issue["title"] == "解放街 · 违章搭建"  # place and problem, from the copy; nothing of the reporter
    untitled = row("3", protected=True, title=None, title_redacted=None)
    [issue] = cluster_tickets([untitled, row("4", protected=True, title=None, title_redacted=None)], similarity=0.9)
    assert issue["title"] == "解放街 · 违章搭建"  # an untitled 举报 is read by its content copy alike
