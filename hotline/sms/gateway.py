"""SMS gateway adapters: the worker hands one message to `send` and gets the provider's message id back.

The generic adapter speaks the product's own small JSON protocol (README, "SMS gateway"): a POST of
`{"to", "text", "id"}` with `Authorization: Bearer <token>`, answered 2xx `{"message_id"}`. `id` is the outbox
row's id and stays the same on every retry, so a gateway that keeps the ids it has seen never sends a message
twice. A template gateway (Aliyun SendSms: PhoneNumbers, SignName, TemplateCode, TemplateParam, OutId; Tencent
SendSms alike) is another class with the same `send`, mapping `message.template` to its template code and
`message.params` to the template's variables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

# Statuses worth trying again: the gateway is busy or broken for now, not refusing this message.
RETRYABLE_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True)
class OutgoingSms:
    id: int
    to: str
    text: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)


class GatewayError(Exception):
    """The message was not accepted; `retryable` says whether a later attempt may succeed."""

    def __init__(self, reason: str, *, retryable: bool):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class SmsGateway(Protocol):
    name: str

    async def send(self, message: OutgoingSms) -> str: ...

    async def close(self) -> None: ...


class HttpJsonGateway:
    """POST {to, text, id} to the configured URL; 2xx {message_id} is accepted, 5xx / 408 / 429 / no answer is
    retried later, any other status is a refusal of this message (a wrong number, a rejected text)."""

    name = "http-json"

    def __init__(self, url: str, *, token: str | None = None, timeout_s: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url
        self._client = httpx.AsyncClient(timeout=timeout_s, headers=headers, transport=transport)

    async def send(self, message: OutgoingSms) -> str:
        try:
            response = await self._client.post(
                self.url, json={"to": message.to, "text": message.text, "id": str(message.id)},
                headers={"Idempotency-Key": str(message.id)},
            )
        except httpx.TimeoutException as exc:
            # The gateway may have taken it; the same id on the retry lets it say so instead of sending again.
            raise GatewayError(f"no answer within the timeout ({type(exc).__name__})", retryable=True) from exc
        except httpx.TransportError as exc:
            raise GatewayError(f"gateway unreachable ({type(exc).__name__}: {exc})", retryable=True) from exc
        if response.is_success:
            try:
                provider_id = response.json().get("message_id")
            except ValueError:
                provider_id = None
            return str(provider_id) if provider_id not in (None, "") else ""
        reason = f"HTTP {response.status_code}: {response.text[:200]}"
        retryable = response.status_code >= 500 or response.status_code in RETRYABLE_STATUSES
        raise GatewayError(reason, retryable=retryable)

    async def close(self) -> None:
        await self._client.aclose()
