"""Hot issues found without likes are scored against likes; keyword vectors join reports naming one place."""
from datetime import datetime

import numpy as np

from feedback.hot_issues import HotIssueFinder
from feedback.keywords import keyword_vectors
from feedback.repeat_probe import best_threshold, candidate_pairs, place_of, threshold_curve
from feedback.support import nearest_neighbour_similarity, support_recovery

START = datetime(2026, 3, 1)
OTHER_MATTERS = ["医保报销比例咨询", "社保卡补办流程", "幼儿园收费问题", "路灯不亮", "垃圾清运不及时", "停车位收费过高",
                 "物业不作为", "电梯故障", "学校周边交通拥堵", "菜市场卫生差", "违章建筑", "油烟扰民", "供水中断",
                 "燃气价格", "公积金提取", "公园草坪被占", "农贷补贴", "驾照换证"]


def test_reports_naming_one_estate_share_keywords_and_form_one_issue():
    texts = ["金桂花园门口搅拌站夜间噪音扰民", "金桂花园旁边搅拌站半夜施工太吵", "金桂花园搅拌站粉尘污染"] + OTHER_MATTERS
    vectors = keyword_vectors(texts, max_share=0.5)
    assert np.allclose(np.linalg.norm(vectors, axis=1)[:3], 1.0)
    issues = HotIssueFinder(similarity=0.3).fit(vectors, times=[START] * len(texts)).issues_
    assert sorted(issues[0].members) == [0, 1, 2]


def test_support_recovery_counts_liked_messages_inside_hot_issues():
    vectors = np.eye(6, dtype=np.float32)[[0, 0, 0, 1, 1, 2]]  # issues {0,1,2} and {3,4}; 5 stands alone
    issues = HotIssueFinder(similarity=0.9, support_weight=0.0).fit(vectors, times=[START] * 6).issues_
    likes = [0, 50, 0, 0, 1, 900]  # the most-liked message has no similar message at all
    scores = support_recovery(issues, likes, top=2)
    assert scores["top2_issues_holding_top2_liked"] == 1  # the 3-contact issue holds the 50-like message
    assert scores["top2_liked_in_issues"] == 0.5
    assert nearest_neighbour_similarity(vectors, [5, 1]) == [0.0, 1.0]


def test_same_title_pairs_in_one_place_are_the_same_event_and_the_curve_finds_them():
    titles = ["A3区搅拌站噪音", "A3区搅拌站噪音", "A3区路灯不亮", "A5区路灯不亮"]
    texts = [t + "，请处理" for t in titles]
    times = [START, START.replace(day=5), START.replace(day=9), START.replace(day=9)]
    pairs, same = candidate_pairs(titles, [place_of(t) for t in texts], times, window_days=30)
    assert [tuple(p) for p in pairs] == [(0, 1), (0, 2), (1, 2)] and same.tolist() == [True, False, False]
    vectors = np.array([[1, 0], [0.96, 0.28], [0.6, 0.8], [0.6, 0.8]], dtype=np.float32)
    curve = threshold_curve(vectors, pairs, same, [0.5, 0.9])
    assert curve[0]["precision"] == 0.333 and curve[1] == {"threshold": 0.9, "flagged": 1, "precision": 1.0,
                                                            "recall": 1.0}
    assert best_threshold(curve)["threshold"] == 0.9
