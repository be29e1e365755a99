"""The desk's small rules: when an unreached citizen is called again, how SMS retries back off, and that a
callback link's token never shows in what staff read."""
from datetime import datetime, timedelta, timezone

from hotline.callbacks.service import default_retry_at
from hotline.sms.service import blank_link_token, is_mobile, retry_delay

NOW = datetime(2026, 5, 6, 9, 0, tzinfo=timezone.utc)


def test_the_default_retry_is_two_hours_on_unless_the_deadline_comes_first():
    assert default_retry_at(NOW, NOW + timedelta(days=2)) == NOW + timedelta(hours=2)
    assert default_retry_at(NOW, NOW + timedelta(minutes=30)) == NOW + timedelta(minutes=30)
    assert default_retry_at(NOW, NOW - timedelta(hours=1)) == NOW + timedelta(hours=2)  # already late: no sooner


def test_sms_retries_double_up_to_an_hour():
    assert [retry_delay(n, 60) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(20, 60) == 3600


def test_only_mainland_mobiles_get_sms_and_link_tokens_are_blanked():
    assert is_mobile("13812345678") and not is_mobile("057788123456") and not is_mobile(None)
    text = "请点击链接评价：http://12345.example/callback/AbC-12_x9 （05月08日前有效）"
    assert blank_link_token(text) == "请点击链接评价：http://12345.example/callback/****** （05月08日前有效）"
