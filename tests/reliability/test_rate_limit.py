from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.servers import Server


def test_each_key_has_its_own_budget_and_429_says_when_to_retry(make_server: Callable[..., Server]) -> None:
    server = make_server(api_keys=["key-a", "key-b"], rate_limit_per_minute=3)
    ask = f"{server.url}/api/documents"
    a, b = {"Authorization": "Bearer key-a"}, {"Authorization": "Bearer key-b"}
    assert [httpx.get(ask, headers=a).status_code for _ in range(3)] == [200, 200, 200]
    limited = httpx.get(ask, headers=a)
    assert (limited.status_code, limited.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 20
    assert httpx.get(ask, headers=b).status_code == 200
    assert httpx.get(f"{server.url}/healthz").status_code == 200  # health checks are never limited
