"""What the identity services need besides a database session, built once per process.

:class:`IdentityKit` bundles the password hasher, the attempt store (Redis when the container
has it), the PII vault (phone hashes and ciphers), the platform secret and the code sender.
Routes get it through :func:`identity_kit`, which keeps one per container in
``container.extras``; other packages and the CLI call :func:`build_identity_kit`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs_api.core.container import Container
from jobs_api.core.pii import PiiVault, mask_phone
from jobs_api.core.settings import Settings
from jobs_api.identity.codes import CodeSender, CodeSenderFactory, DevMailbox
from jobs_api.identity.config import IdentitySettings
from jobs_api.identity.limiter import AttemptStore, MemoryAttemptStore, RedisAttemptStore
from jobs_api.identity.models import User
from jobs_api.identity.passwords import PasswordHasher

EXTRAS_KEY = "identity.kit"

PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_.\-]{2,63}$")


@dataclass
class IdentityKit:
    settings: Settings
    hasher: PasswordHasher
    attempts: AttemptStore
    sender_factory: CodeSenderFactory = DevMailbox
    identity: IdentitySettings = field(default_factory=IdentitySettings)

    @property
    def secret(self) -> str:
        return self.settings.secret_key.get_secret_value()

    @property
    def vault(self) -> PiiVault:
        return PiiVault(self.secret)

    def sender(self, session: Session) -> CodeSender:
        return self.sender_factory(session)


def build_identity_kit(
    settings: Settings,
    *,
    container: Container | None = None,
    hasher: PasswordHasher | None = None,
    attempts: AttemptStore | None = None,
) -> IdentityKit:
    if attempts is None:
        redis = container.redis if container is not None else None
        attempts = RedisAttemptStore(redis) if redis is not None else MemoryAttemptStore()
    return IdentityKit(settings=settings, hasher=hasher or PasswordHasher(), attempts=attempts)


def identity_kit(container: Container) -> IdentityKit:
    kit = container.extras.get(EXTRAS_KEY)
    if not isinstance(kit, IdentityKit):
        kit = build_identity_kit(container.settings, container=container)
        kit.hasher.warm_up()
        container.extras[EXTRAS_KEY] = kit
    return kit


def normalise_login_name(value: str) -> str:
    return value.strip().lower()


def is_phone(value: str) -> bool:
    return bool(PHONE_PATTERN.match(value))


def find_user(
    session: Session, vault: PiiVault, login_name: str, *, lock: bool = False
) -> User | None:
    """The account a login name refers to: a mainland mobile number is looked up by its keyed
    hash, anything else as a username (case-insensitive; usernames are stored lower-case).
    ``lock`` takes the row lock (PostgreSQL ``FOR UPDATE``) so that concurrent sign-ins of one
    account see each other's failure counts instead of racing past the lockout."""
    name = normalise_login_name(login_name)
    if not name:
        return None
    if is_phone(name):
        query = select(User).where(User.phone_hash == vault.lookup_hash(name))
    else:
        query = select(User).where(User.username == name)
    return session.scalar(query.with_for_update() if lock else query)


def masked_login_name(login_name: str) -> str:
    """A login name fit for the audit log: phones masked, anything that is not a plausible
    username (e.g. a password typed into the wrong field) hidden."""
    name = normalise_login_name(login_name)
    if is_phone(name):
        return mask_phone(name)
    if USERNAME_PATTERN.match(name):
        return name
    return "***"
