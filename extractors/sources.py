"""Open what a parser is given — bytes, a path or a binary file, gzip'ed or not — as one stream.

Both record parsers accept the same kinds of source and report errors the same way: one line,
starting with the file's name when there is one. This module holds that shared part.
"""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

#: What a parser accepts: raw bytes, a filesystem path, or an open binary file.
Source = bytes | bytearray | memoryview | str | os.PathLike | BinaryIO

#: The two bytes every gzip member starts with (RFC 1952, section 2.3.1).
GZIP_MAGIC = b"\x1f\x8b"


class RecordFileError(ValueError):
    """A file of PubMed records could not be read; the message is one line naming the file."""


def source_name(source: Source) -> str | None:
    """The name to show in messages: the path, a file object's name, or None for bytes."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)  # type: ignore[return-value]
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else None


@contextmanager
def open_source(source: Source) -> Iterator[BinaryIO]:
    """Yield a binary stream over ``source``, transparently un-gzipping it.

    A path is opened (and closed afterwards); a file object is read from where it stands and left
    open; bytes are wrapped. Gzip is recognised by its magic number, not by the file name.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        stream: BinaryIO = io.BytesIO(bytes(source))
        owned = True
    elif isinstance(source, (str, os.PathLike)):
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed in the finally below
        except FileNotFoundError:
            raise  # the CLI reports it as it is
        except OSError as error:  # a folder, no permission: still the user's to fix
            raise RecordFileError(
                f"{os.fspath(source)}: cannot be read ({error.strerror})") from None
        owned = True
    elif hasattr(source, "read"):
        stream = source
        owned = False
    else:
        raise TypeError(f"expected bytes, a path or a binary file, not {type(source).__name__}")
    try:
        head = _read_head(stream, len(GZIP_MAGIC))
        rewound = _Rewound(head, stream)
        if head == GZIP_MAGIC:
            yield gzip.GzipFile(fileobj=rewound, mode="rb")  # type: ignore[arg-type]
        else:
            yield rewound  # type: ignore[misc]
    finally:
        if owned:
            stream.close()


def _read_head(stream: BinaryIO, size: int) -> bytes:
    """The first ``size`` bytes (fewer only at end of file); a raw stream may return short reads."""
    head = b""
    while len(head) < size:
        chunk = stream.read(size - len(head))
        if not isinstance(chunk, bytes):
            raise TypeError("expected a binary file (opened with 'rb'), got a text stream")
        if not chunk:
            break
        head += chunk
    return head


class _Rewound:
    """A read-only stream that returns ``head`` before the rest of ``stream``.

    Sniffing gzip needs the first bytes; a caller's file object may not be seekable and must not
    be wrapped in a BufferedReader (which would close it when collected).
    """

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        head, self._head = self._head, b""
        if size is None or size < 0:
            return head + self._stream.read()
        if size <= len(head):
            self._head = head[size:]
            return head[:size]
        return head + self._stream.read(size - len(head))
