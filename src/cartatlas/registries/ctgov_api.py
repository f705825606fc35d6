"""A polite, fault-tolerant client for the ClinicalTrials.gov API v2.

Polite: at most ``requests_per_second`` requests (1/s by default), counting retries.
Tolerant: 429, 5xx, timeouts, dropped connections and truncated JSON bodies are retried with
exponential backoff and jitter, waiting exactly ``Retry-After`` when the server says so (up to a
cap). Other 4xx answers are not retried: they mean the request itself is wrong.
"""

from __future__ import annotations

import json
import math
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from cartatlas import __version__

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
BASE_URL_ENV = "CARTATLAS_CTGOV_URL"
_RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True, slots=True)
class ApiSettings:
    base_url: str = field(default_factory=lambda: os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL))
    page_size: int = 1000
    requests_per_second: float = 1.0
    timeout: float = 60.0
    # Without a network, say so within seconds (one retry), not after minutes of backoff.
    connect_timeout: float = 5.0
    connect_attempts: int = 2
    max_attempts: int = 8
    backoff_initial: float = 1.0
    backoff_max: float = 120.0
    retry_after_max: float = 600.0

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= 1000:
            raise ValueError(f"page size must be 1 to 1000 (the API's limit), not {self.page_size}")
        if not (0 < self.requests_per_second < math.inf):  # NaN fails too: no throttle at all
            raise ValueError(
                f"--rate must be a positive number of requests per second, not "
                f"{self.requests_per_second}; e.g. --rate 1"
            )
        url = urlsplit(self.base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(
                f"--base-url (or ${BASE_URL_ENV}) {self.base_url!r} is not a web address "
                f"(http:// or https:// and a host); the API's is {DEFAULT_BASE_URL}"
            )


class TransientError(Exception):
    """An answer worth retrying; ``retry_after`` is the server's requested wait, if any."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ApiError(RuntimeError):
    """The API refused the request (a 4xx other than 429) or answered nonsense; not retried."""

    user_facing = True  # its message is written for the user: one line, no traceback


# No answer at all: no route, no DNS, connection refused or not accepted in time.
_UNREACHABLE = (httpx.ConnectError, httpx.ConnectTimeout)


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class Throttle:
    """Spaces requests at least ``interval`` seconds apart (thread-safe)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._next:
                time.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


class CtgovClient:
    """``version()`` and ``studies(params)`` against ``settings.base_url``.

    ``on_retry`` hears one line per retried failure (for the run's error log and counts).
    """

    def __init__(
        self,
        settings: ApiSettings,
        on_retry: Callable[[str], None] | None = None,
        on_unreachable: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.on_retry = on_retry
        self.on_unreachable = on_unreachable
        self._throttle = Throttle(1.0 / settings.requests_per_second)
        self._http = httpx.Client(
            base_url=settings.base_url.rstrip("/"),
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            headers={"User-Agent": f"cartatlas/{__version__}", "Accept": "application/json"},
        )

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def version(self) -> dict[str, Any]:
        """``{"apiVersion": …, "dataTimestamp": …}``: when the API's data was last refreshed."""
        return self._get("/version", {})

    def studies(self, params: dict[str, str]) -> dict[str, Any]:
        """One page of ``/studies``."""
        return self._get("/studies", params)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, TransientError) and error.retry_after is not None:
            return min(error.retry_after, self.settings.retry_after_max)
        initial = self.settings.backoff_initial
        backoff = initial * 2 ** (state.attempt_number - 1) + random.uniform(0, initial)
        return min(backoff, self.settings.backoff_max)

    def _stop(self, state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        unreachable = isinstance(error, _UNREACHABLE)
        limit = self.settings.connect_attempts if unreachable else self.settings.max_attempts
        return state.attempt_number >= limit

    def _before_sleep(self, state: RetryCallState) -> None:
        wait = state.next_action.sleep if state.next_action else 0.0
        error = state.outcome.exception() if state.outcome else None
        if self.on_unreachable and isinstance(error, _UNREACHABLE):
            self.on_unreachable(
                f"cannot reach {self.settings.base_url} ({_reason(error)}); "
                f"retrying once in {wait:.0f} s"
            )
        if self.on_retry and state.outcome:
            self.on_retry(
                f"attempt {state.attempt_number}: {state.outcome.exception()!s}; "
                f"retrying in {wait:.1f} s"
            )

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        retrying = Retrying(
            retry=retry_if_exception_type((TransientError, httpx.TransportError)),
            wait=self._wait,
            stop=self._stop,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            return retrying(self._get_once, path, params)
        except _UNREACHABLE as exc:
            raise ApiError(
                f"cannot reach {self.settings.base_url} ({_reason(exc)}) after "
                f"{self.settings.connect_attempts} attempts: check the network connection (or "
                "--base-url); pages already fetched are kept and the same command resumes"
            ) from None
        except (TransientError, httpx.TransportError) as exc:
            # Retries spent on a server that keeps failing: ended in "TransientError: GET
            # /studies: HTTP 429 (unexpected …)", as if cartatlas had a bug.
            raise ApiError(
                f"{self.settings.base_url} kept failing: {_reason(exc)} at each of "
                f"{self.settings.max_attempts} attempts; pages already fetched are kept: run the "
                "same command later to resume (or lower --rate)"
            ) from None

    def _get_once(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        self._throttle.wait()
        response = self._http.get(path, params=params)
        if response.status_code in _RETRY_STATUSES:
            raise TransientError(
                f"GET {path}: HTTP {response.status_code}",
                _retry_after(response.headers.get("Retry-After")),
            )
        if response.status_code >= 400:
            raise ApiError(
                f"GET {response.url}: HTTP {response.status_code}: {response.text[:300]} "
                "— check the query syntax (ClinicalTrials.gov Essie expressions)"
            )
        try:
            body = response.json()
        except json.JSONDecodeError as exc:
            raise TransientError(f"GET {path}: truncated or invalid JSON ({exc.msg})") from exc
        except UnicodeDecodeError as exc:  # ended as "UnicodeDecodeError … (unexpected …)"
            raise TransientError(
                f"GET {path}: not UTF-8 JSON (byte 0x{exc.object[exc.start]:02X} at byte "
                f"{exc.start + 1})"
            ) from exc
        if not isinstance(body, dict):
            raise ApiError(f"GET {response.url}: expected a JSON object, got {type(body).__name__}")
        return body
