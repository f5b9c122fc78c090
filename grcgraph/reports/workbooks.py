"""Workbooks: DataFrames written as the sheets of one XLSX file (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per frame, named by its key (at most 31 characters, as Excel allows)."""
    import pandas as pd  # noqa: PLC0415 (pandas costs a command's start a tenth of a second)

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
