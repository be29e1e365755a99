"""Hot issues: many contacts about one problem in one place rise to the top, with their trend."""
from datetime import datetime, timedelta

import numpy as np
import pytest

from feedback.hot_issues import HotIssueFinder

START = datetime(2026, 3, 1)


def unit(*values):
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_repeated_reports_of_one_problem_form_the_hottest_issue():
    vectors = np.stack([unit(1, 0.02, 0), unit(1, 0, 0.03), unit(1, 0.01, 0.01), unit(0, 1, 0), unit(0, 1, 0.02),
                        unit(0, 0, 1)])
    times = [START + timedelta(days=d) for d in (1, 8, 9, 2, 3, 5)]
    finder = HotIssueFinder(similarity=0.9).fit(vectors, times=times, support=[0, 5, 0, 3, 0, 0])
    hottest, second = finder.issues_
    assert sorted(hottest.members) == [0, 1, 2] and hottest.contacts == 3
    assert hottest.trend > 0 and second.trend < 0  # late reports grow, early ones fade
    assert sorted(second.members) == [3, 4] and second.support == 3
    assert len(finder.issues_) == 2  # a single report is not an issue
    assert len(set(finder.labels_)) == 3


def test_the_same_words_in_two_districts_are_two_issues():
    vectors = np.stack([unit(1, 0, 0)] * 4)
    finder = HotIssueFinder().fit(vectors, times=[START] * 4, places=["330302", "330302", "330303", "330303"])
    assert sorted(issue.place for issue in finder.issues_) == ["330302", "330303"]


def test_inputs_must_line_up():
    with pytest.raises(ValueError, match="one entry per ticket"):
        HotIssueFinder().fit(np.stack([unit(1, 0)] * 2), times=[START])


def test_a_message_without_a_vector_stands_alone():
    vectors = np.stack([unit(1, 0), unit(1, 0.01), np.zeros(2, dtype=np.float32)])
    finder = HotIssueFinder(similarity=0.9).fit(vectors, times=[START] * 3)
    assert [sorted(issue.members) for issue in finder.issues_] == [[0, 1]]
    assert len(set(finder.labels_)) == 2
