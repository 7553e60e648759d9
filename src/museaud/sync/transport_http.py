"""The HTTP transport of the sync client and the account API client (httpx).

`HttpTransport.send` posts one protocol message to `/v1/sync` with the bearer token and returns
the answer's JSON text, refusals included (the client turns those into SyncRefusedError). A
request whose connection failed or was cut before an answer arrived is sent again, a few
times with a growing pause: every message is safe to repeat (a push is applied once per batch
id, a pull re-reads from the same cursor, hello changes nothing).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from museaud import __version__

log = logging.getLogger(__name__)

USER_AGENT = f"museaud/{__version__}"
RETRIES = 4
RETRY_PAUSE_S = 0.25


class TransportError(RuntimeError):
    """The server could not be reached, or answered something that is not the protocol."""


class ApiError(RuntimeError):
    """The server refused an account request: HTTP status, error code and its message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _client(base_url: str, timeout: float) -> httpx.Client:
    return httpx.Client(
        base_url=base_url.rstrip("/"),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
    )


def _with_retries(
    attempt: Callable[[], httpx.Response], retries: int, pause_s: float
) -> httpx.Response:
    for tries in range(retries + 1):
        try:
            return attempt()
        except httpx.TransportError as error:
            if tries == retries:
                raise TransportError(f"cannot reach the sync server: {error}") from error
            log.info("sync request failed (%s): trying again", error)
            time.sleep(pause_s * 2**tries)
    raise AssertionError("unreachable")


class HttpTransport:
    """Sends protocol messages to a museaud server; use as SyncClient's `send`."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 60.0,
        retries: int = RETRIES,
        retry_pause_s: float = RETRY_PAUSE_S,
    ) -> None:
        self.http = _client(base_url, timeout)
        self.token = token
        self.retries = retries
        self.retry_pause_s = retry_pause_s
        self.requests = 0

    def __call__(self, request: str) -> str:
        return self.send(request)

    def send(self, request: str) -> str:
        """The answer (JSON text) to one protocol message."""

        def attempt() -> httpx.Response:
            self.requests += 1
            return self.http.post(
                "/v1/sync",
                content=request.encode("utf-8"),
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )

        response = _with_retries(attempt, self.retries, self.retry_pause_s)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("type"), str):
            raise TransportError(
                f"the sync server answered HTTP {response.status_code} without a protocol "
                f"message: {response.text[:200]!r}"
            )
        return response.text

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class AccountApi:
    """The server's account routes: sign up, sign in and out, devices."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 30.0):
        self.http = _client(base_url, timeout)
        self.token = token

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}

        def attempt() -> httpx.Response:
            return self.http.request(method, path, json=body, headers=headers)

        # only requests that change nothing are retried (a sign-in twice makes two sessions)
        retries = RETRIES if method == "GET" else 0
        response = _with_retries(attempt, retries, RETRY_PAUSE_S)
        try:
            answer = response.json()
        except (ValueError, json.JSONDecodeError):
            answer = None
        if response.status_code >= 400:
            if isinstance(answer, dict) and "message" in answer:
                raise ApiError(
                    response.status_code, str(answer.get("code")), str(answer["message"])
                )
            raise ApiError(response.status_code, "http", response.text[:200])
        return answer

    def signup(self, email: str, password: str, device_name: str) -> dict[str, Any]:
        body = {"email": email, "password": password, "device_name": device_name}
        return dict(self._call("POST", "/v1/account/signup", body))

    def login(self, email: str, password: str, device_name: str) -> dict[str, Any]:
        body = {"email": email, "password": password, "device_name": device_name}
        return dict(self._call("POST", "/v1/account/login", body))

    def logout(self) -> None:
        self._call("POST", "/v1/account/logout")

    def account(self) -> dict[str, Any]:
        return dict(self._call("GET", "/v1/account"))

    def sessions(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/v1/account/sessions")["sessions"])

    def revoke(self, session_id: str) -> None:
        self._call("DELETE", f"/v1/account/sessions/{session_id}")

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> AccountApi:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
