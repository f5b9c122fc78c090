"""Data files as text: UTF-8, with the byte-order mark that Excel writes ("CSV UTF-8") accepted and
dropped, and any other encoding refused with the line and column of its first byte that is not UTF-8,
so that no reader ever sees a decoding error of its own."""

from __future__ import annotations

import codecs
from pathlib import Path

from grcgraph.errors import DataError
from grcgraph.model import Problem

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes, name: str) -> str:
    """The text of a file's bytes; DataError naming where it is not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith(UTF16_BOMS):
        raise DataError([Problem.in_file(name, 1, "column 1", "the file is UTF-16: save it as UTF-8 (in Excel: CSV UTF-8)")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[data.rfind(b"\n", 0, error.start) + 1 : error.start].decode("utf-8", errors="replace")) + 1
        message = (
            f"byte 0x{data[error.start]:02x} is not UTF-8 (the file may be Latin-1 or Windows-1252): save it as UTF-8 (in Excel: CSV UTF-8)"
        )
        raise DataError([Problem.in_file(name, line, f"column {column}", message)]) from None


def read_text(path: Path) -> str:
    """A data file's text (see `decode`); DataError when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError.in_file(str(path), f"cannot be read: {error.strerror or error}") from None
    return decode(data, str(path))
