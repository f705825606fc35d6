"""Request bodies read with a cap that holds while they stream in.

``await request.body()`` reads everything before a size check can run, so a client could make
the server hold any amount of memory. Here a declared ``Content-Length`` over the cap is refused
before reading, and a body without one (chunked) is refused as soon as it passes the cap.
"""

from __future__ import annotations

from fastapi import HTTPException, Request


def _too_large(limit: int, what: str) -> HTTPException:
    return HTTPException(413, f"{what} over {limit:,} bytes; send a shorter one")


async def read_capped(request: Request, limit: int, what: str) -> bytes:
    """The body, or 413 once it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit, what)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit, what)
    return bytes(body)
