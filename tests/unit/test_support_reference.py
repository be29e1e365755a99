"""A known problem's reports are looked up among the hot issues: how much of it one issue holds, and how hot."""
from datetime import datetime

import numpy as np

from feedback.hot_issues import HotIssueFinder
from feedback.support import reference_recovery

START = datetime(2026, 3, 1)


def test_a_problem_mostly_in_one_issue_reports_its_share_purity_and_rank():
    # issue {0,1,2,3} (3 of the problem + 1 other), issue {4,5,6,7,8} is hotter; row 9 is the problem, alone
    vectors = np.eye(3, dtype=np.float32)[[0, 0, 0, 0, 1, 1, 1, 1, 1, 2]]
    issues = HotIssueFinder(similarity=0.9, support_weight=0.0).fit(vectors, times=[START] * 10).issues_
    found = reference_recovery(issues, [0, 1, 2, 9])
    assert found == {"messages": 4, "share": 0.75, "purity": 0.75, "contacts": 4, "rank": 2}


def test_likes_can_lift_a_smaller_issue_and_equal_heat_shares_the_rank():
    vectors = np.eye(2, dtype=np.float32)[[0, 0, 1, 1, 1]]
    times, likes = [START] * 5, [400, 0, 0, 0, 0]
    by_contacts = HotIssueFinder(similarity=0.9, support_weight=0.0).fit(vectors, times=times, support=likes).issues_
    with_likes = HotIssueFinder(similarity=0.9, support_weight=1.0).fit(vectors, times=times, support=likes).issues_
    assert reference_recovery(by_contacts, [0, 1])["rank"] == 2
    assert reference_recovery(with_likes, [0, 1])["rank"] == 1  # 2 + log1p(400) beats 3
    level = HotIssueFinder(similarity=0.9, support_weight=0.0).fit(np.eye(2, dtype=np.float32)[[0, 0, 1, 1]],
                                                                   times=[START] * 4).issues_
    assert reference_recovery(level, [2, 3])["rank"] == 1


def test_a_problem_whose_reports_never_meet_is_not_found():
    vectors = np.eye(4, dtype=np.float32)[[0, 0, 1, 2, 3]]
    issues = HotIssueFinder(similarity=0.9).fit(vectors, times=[START] * 5).issues_
    assert reference_recovery(issues, [2, 3, 4]) == {"messages": 3, "share": 0.0, "purity": None, "contacts": None,
                                                     "rank": None}
