"""The identity provider's signing keys, for AUTH_MODE=verify: fetched, kept, refreshed.

- Keys are kept for AUTH_KEYS_LIFETIME_S. After that, the next request that uses one
  starts a refresh in the background and goes on with the key it has: a provider
  that is down or hung never holds up a request whose key is known.
- A refresh replaces the whole set, so a key the provider removed is refused from
  the refresh on. A refresh that fails keeps the keys already known.
- A token naming a key not in the set waits for one fetch: a key published since the
  last fetch works on its first use. Fetches are shared (callers wait for the one in
  flight) and happen at most once every AUTH_KEYS_MIN_REFETCH_S, so tokens with
  made-up key ids cannot make the API hammer the provider.
- Every wait on the provider is bounded by AUTH_PROVIDER_TIMEOUT_MS; a provider that
  cannot be reached then is a 503 (IdentityProviderUnavailable), never a 401: the
  caller's token may be perfectly good.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.request
import weakref
from dataclasses import dataclass
from typing import Any

from jwt import PyJWK

from api_core.errors import Unavailable
from api_core.settings import Settings

logger = logging.getLogger(__name__)


class IdentityProviderUnavailable(Unavailable):
    """Raised when the identity provider's keys cannot be fetched within the budget."""

    slug = "identity-provider-unavailable"
    default_detail = "Sign-in cannot be checked right now. Try again shortly."


class UnknownKey(Exception):
    """Raised when a token names a key the provider does not publish."""


@dataclass(frozen=True)
class _Source:
    issuer: str
    jwks_url: str  # empty: from the issuer's OpenID configuration
    lifetime_s: float
    min_refetch_s: float
    timeout_s: float
    retry_after_s: int  # what a 503 tells clients when the provider cannot be reached


class KeySet:
    def __init__(self, source: _Source) -> None:
        self.source = source
        self._keys: dict[str, PyJWK] = {}
        self._jwks_url = source.jwks_url
        self._fetched_at = float("-inf")  # the last fetch that succeeded
        self._tried_at = float("-inf")  # the last fetch started
        self._fetch: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()

    async def key(self, kid: str) -> PyJWK:
        known = self._keys.get(kid)
        if known is not None:
            if time.monotonic() - self._fetched_at > self.source.lifetime_s:
                self._refresh_in_background()
            return known
        try:
            await asyncio.wait_for(asyncio.shield(self._fetched()), self.source.timeout_s)
        except Exception as error:
            logger.warning("identity provider unreachable: %s", error or type(error).__name__)
            raise IdentityProviderUnavailable(retry_after_s=self.source.retry_after_s) from None
        if kid not in self._keys:
            raise UnknownKey(kid)
        return self._keys[kid]

    def _refresh_in_background(self) -> None:
        if self._fetch is None and self._may_fetch():
            task = asyncio.get_running_loop().create_task(self._quietly(self._fetched()))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    def _may_fetch(self) -> bool:
        return time.monotonic() - self._tried_at >= self.source.min_refetch_s

    def _fetched(self) -> asyncio.Task[None]:
        """The fetch in flight, or a new one (started no sooner than the rate allows)."""
        if self._fetch is None:
            self._fetch = asyncio.get_running_loop().create_task(self._fetch_when_allowed())
            self._fetch.add_done_callback(self._forget_fetch)
        return self._fetch

    def _forget_fetch(self, _: asyncio.Task[None]) -> None:
        self._fetch = None

    async def _fetch_when_allowed(self) -> None:
        wait = self.source.min_refetch_s - (time.monotonic() - self._tried_at)
        if wait > 0:
            await asyncio.sleep(wait)
        self._tried_at = time.monotonic()
        keys = await asyncio.to_thread(self._download)
        self._keys, self._fetched_at = keys, time.monotonic()

    def _download(self) -> dict[str, PyJWK]:
        if not self._jwks_url:
            discovery = f"{self.source.issuer.rstrip('/')}/.well-known/openid-configuration"
            self._jwks_url = str(_get_json(discovery, self.source.timeout_s)["jwks_uri"])
        keys: dict[str, PyJWK] = {}
        for entry in _get_json(self._jwks_url, self.source.timeout_s).get("keys", []):
            try:
                if entry.get("use", "sig") == "sig" and isinstance(entry.get("kid"), str):
                    keys[entry["kid"]] = PyJWK(entry)
            except Exception as error:  # a key of a type we cannot use: skip it
                logger.info("skipping signing key %r: %s", entry.get("kid"), error)
        return keys

    @staticmethod
    async def _quietly(fetch: asyncio.Task[None]) -> None:
        try:
            await fetch
        except Exception as error:
            logger.warning("refreshing the signing keys failed, keeping the known ones: %s", error)


def _get_json(url: str, timeout_s: float) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout_s) as response:
        document = json.load(response)
    if not isinstance(document, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return document


# One set per event loop (the tasks above belong to one), per configuration.
_sets: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[_Source, KeySet]] = (
    weakref.WeakKeyDictionary()
)


def key_set(settings: Settings) -> KeySet:
    source = _Source(
        issuer=settings.auth_issuer,
        jwks_url=settings.auth_jwks_url,
        lifetime_s=settings.auth_keys_lifetime_s,
        min_refetch_s=settings.auth_keys_min_refetch_s,
        timeout_s=settings.auth_provider_timeout_ms / 1000,
        retry_after_s=settings.retry_after_seconds,
    )
    sets = _sets.setdefault(asyncio.get_running_loop(), {})
    if source not in sets:
        sets[source] = KeySet(source)
    return sets[source]
