"""Where a push message goes: the in-app inbox, a signed webhook, and e-mail / SMS / WeChat
gateways. Every channel raises :class:`TemporaryChannelError` (retry later) or
:class:`PermanentChannelError` (never retry: dead letter) on failure.

HTTP channels POST JSON with an ``X-Gradmatch-Signature: sha256=<hex>`` header (HMAC-SHA256
of the body with ``push_webhook_secret``) and an ``Idempotency-Key`` header (the delivery's
dedupe key, scoped to the account: ``<user_id>:<dedupe_key>``), so a receiver that sees a
retried request twice can drop the second. 2xx = sent, 5xx / timeout / connection error =
temporary, other 4xx = permanent. SMS and WeChat gateways need the real phone number: it is
decrypted here, just before the request, and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.pii import PiiVault
from jobs_api.core.settings import Settings
from jobs_api.identity.models import User
from jobs_api.inbox.service import Notice, deliver_many
from matching.push.models import PushDelivery

SIGNATURE_HEADER = "X-Gradmatch-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class ChannelError(Exception):
    """A send failed."""


class TemporaryChannelError(ChannelError):
    """Worth retrying later (5xx, timeout, gateway down)."""


class PermanentChannelError(ChannelError):
    """Retrying cannot help (4xx, no address): the delivery goes to the dead-letter list."""


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    display_name: str = ""
    email: str | None = None
    phone_cipher: str | None = None  # decrypted only inside the SMS / WeChat adapters


class Channel(Protocol):
    name: str

    def send(self, delivery: PushDelivery, recipient: Recipient) -> None: ...


def notice_for(delivery: PushDelivery) -> Notice:
    """The inbox message (and the text of every other channel) of a delivery."""
    payload = delivery.payload
    return Notice(
        kind=f"push.{delivery.kind}",
        title_zh=str(payload.get("title_zh", "")),
        title_en=str(payload.get("title_en", "")),
        body_zh=str(payload.get("body_zh", "")),
        body_en=str(payload.get("body_en", "")),
        link=str(payload.get("link", "")),
        payload={"job_ids": list(delivery.job_ids)},
        dedupe_key=delivery.dedupe_key,
    )


class InboxChannel:
    """The in-app inbox (always on): writes in the caller's transaction, idempotent on the
    dedupe key. :meth:`send_many` writes a batch with one look-up of existing keys."""

    name = "inbox"

    def __init__(self, session: Session) -> None:
        self.session = session

    def send(self, delivery: PushDelivery, recipient: Recipient) -> None:
        self.send_many([delivery])

    def send_many(self, deliveries: Sequence[PushDelivery]) -> None:
        deliver_many(self.session, [(d.user_id, notice_for(d)) for d in deliveries])


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class HttpChannel:
    """POST a JSON document to one configured URL (webhook or a gateway); subclasses name
    the channel and add what their gateway needs to the document."""

    channel_name: ClassVar[str] = "webhook"

    def __init__(
        self, url: str, secret: str, timeout: float, client: httpx.Client | None = None
    ) -> None:
        self.name = self.channel_name
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.client = client  # shared, keeps connections open across a batch

    def document(self, delivery: PushDelivery, recipient: Recipient) -> dict[str, Any]:
        notice = notice_for(delivery)
        return {
            "delivery_id": delivery.id,
            "user_id": delivery.user_id,
            "kind": delivery.kind,
            "job_ids": list(delivery.job_ids),
            "title": notice.title_zh,
            "body": notice.body_zh,
            "link": notice.link,
        }

    def send(self, delivery: PushDelivery, recipient: Recipient) -> None:
        body = json.dumps(
            self.document(delivery, recipient), ensure_ascii=False, separators=(",", ":")
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            IDEMPOTENCY_HEADER: f"{delivery.user_id}:{delivery.dedupe_key}",
        }
        if self.secret:
            headers[SIGNATURE_HEADER] = signature(self.secret, body)
        try:
            post = self.client.post if self.client is not None else httpx.post
            response = post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:  # timeout, refused connection, reset
            raise TemporaryChannelError(f"{self.name}: {type(exc).__name__}") from exc
        if 200 <= response.status_code < 300:
            return
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise TemporaryChannelError(f"{self.name}: HTTP {response.status_code}")
        raise PermanentChannelError(f"{self.name}: HTTP {response.status_code}")


class WebhookChannel(HttpChannel):
    channel_name = "webhook"


class EmailChannel(HttpChannel):
    channel_name = "email"

    def document(self, delivery: PushDelivery, recipient: Recipient) -> dict[str, Any]:
        if not recipient.email:
            raise PermanentChannelError("email: the account has no e-mail address")
        return {**super().document(delivery, recipient), "to": recipient.email}


class _PhoneChannel(HttpChannel):
    """A gateway that needs the phone number: decrypted here, for this request only, and
    never logged."""

    def __init__(
        self,
        url: str,
        secret: str,
        timeout: float,
        vault: PiiVault,
        client: httpx.Client | None = None,
    ) -> None:
        super().__init__(url, secret, timeout, client)
        self.vault = vault

    def document(self, delivery: PushDelivery, recipient: Recipient) -> dict[str, Any]:
        if not recipient.phone_cipher:
            raise PermanentChannelError(f"{self.name}: the account has no phone number")
        phone = self.vault.decrypt(recipient.phone_cipher)
        return {**super().document(delivery, recipient), "phone": phone}


class SmsChannel(_PhoneChannel):
    channel_name = "sms"


class WeChatChannel(_PhoneChannel):
    channel_name = "wechat"


def build_channels(
    session: Session, settings: Settings, client: httpx.Client | None = None
) -> dict[str, Channel]:
    """Inbox plus every channel whose URL is configured (HTTP ones share ``client``)."""
    secret = settings.push_webhook_secret.get_secret_value()
    timeout = settings.push_channel_timeout_seconds
    vault = PiiVault(settings.secret_key.get_secret_value())
    channels: dict[str, Channel] = {"inbox": InboxChannel(session)}
    if settings.push_webhook_url:
        channels["webhook"] = WebhookChannel(settings.push_webhook_url, secret, timeout, client)
    if settings.push_email_gateway_url:
        channels["email"] = EmailChannel(settings.push_email_gateway_url, secret, timeout, client)
    if settings.push_sms_gateway_url:
        channels["sms"] = SmsChannel(settings.push_sms_gateway_url, secret, timeout, vault, client)
    if settings.push_wechat_gateway_url:
        channels["wechat"] = WeChatChannel(
            settings.push_wechat_gateway_url, secret, timeout, vault, client
        )
    return channels


@contextmanager
def open_channels(session: Session, settings: Settings) -> Iterator[dict[str, Channel]]:
    """:func:`build_channels` with one HTTP client (kept-alive connections) for the batch."""
    with httpx.Client(timeout=settings.push_channel_timeout_seconds) as client:
        yield build_channels(session, settings, client)


def load_recipients(session: Session, user_ids: Sequence[int]) -> dict[int, Recipient]:
    rows = session.execute(
        select(User.id, User.display_name, User.email, User.phone_cipher).where(
            User.id.in_(sorted(set(user_ids)))
        )
    )
    return {
        row.id: Recipient(row.id, row.display_name, row.email, row.phone_cipher) for row in rows
    }
