"""Behind nginx every request comes from the proxy: the public rate limit must count citizens, by the
X-Forwarded-For of trusted proxies only (anyone can send the header straight to the API)."""
from __future__ import annotations

import httpx

from tests.faults.conftest import ApiProcess, product_env


def _ask(api: ApiProcess, citizen: str) -> int:
    return httpx.post(api.url + "/api/v1/chat", json={"message": "身份证丢了怎么办"},
                      headers={"X-Forwarded-For": citizen}, timeout=30).status_code


def _refused_within(api: ApiProcess, citizens) -> int | None:
    """How many requests until a 429; the limit is 2 a minute, so 3, or up to 5 if a minute turns meanwhile."""
    for count, citizen in enumerate(citizens, start=1):
        if _ask(api, citizen) == 429:
            return count
    return None


def test_the_public_limit_counts_each_citizen_behind_a_trusted_proxy(fresh_db_url, tmp_path):
    env = {**product_env(fresh_db_url, tmp_path), "HOTLINE_PUBLIC_REQUESTS_PER_MINUTE": "2",
           "HOTLINE_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    api = ApiProcess(env)
    try:
        api.start()
        assert _refused_within(api, ["203.0.113.7"] * 5) in (3, 4, 5)
        assert _ask(api, "198.51.100.9") == 200  # another citizen behind the same proxy is not blocked
    finally:
        api.stop()


def test_a_forged_header_is_ignored_when_no_proxy_is_trusted(fresh_db_url, tmp_path):
    env = {**product_env(fresh_db_url, tmp_path), "HOTLINE_PUBLIC_REQUESTS_PER_MINUTE": "2"}
    api = ApiProcess(env)
    try:
        api.start()
        # one caller rotating the header is still one address
        assert _refused_within(api, [f"192.0.2.{i}" for i in range(5)]) in (3, 4, 5)
    finally:
        api.stop()
