"""Hashes and blobs of the registry: content-hash version ids, data fingerprints and the
Parquet bytes that store frames (backtests, drift references) in the warehouse.

The fitted models themselves are stored in their library's own format, beside the code
that fits them (XGBoost UBJ in demandcast.xgboost_model, Prophet JSON in
demandcast.prophet_models); nothing is pickled.
"""

from __future__ import annotations

import hashlib
import io

import pandas as pd


def content_hash(*parts: str | pd.DataFrame) -> str:
    """SHA-256 (hex) over the parts in order: text as UTF-8, frames by pandas' row hashes
    (without the index), so the same content gives the same id on any machine."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            digest.update(part.encode())
        else:
            digest.update(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as Parquet bytes (a blob in the warehouse)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def from_parquet_bytes(blob: bytes | bytearray | memoryview) -> pd.DataFrame:
    """The frame stored by :func:`to_parquet_bytes`."""
    return pd.read_parquet(io.BytesIO(bytes(blob)))
