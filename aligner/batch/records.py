"""Done-records: one small JSON file per finished pair, written after its outputs, so that a rerun skips a pair
whose inputs, settings and encoder are unchanged and whose outputs are all there."""

from __future__ import annotations

import hashlib
import json
import os

from ..errors import InputError
from ..export.base import atomic_write_many
from ..readers.source import read_input
from ..signature import package_version
from .plan import RECORDS_DIR, PairSpec

RECORD_VERSION = 2  # 2: corpus rows carry the bead confidence


def pair_key(spec: PairSpec, encoder_signature: str, job: dict, max_bytes: int) -> str:
    """A digest of what the pair's outputs depend on: both inputs' bytes, its settings, the encoder, the
    package version and the batch's output settings (``job``). An unreadable input gives a key too (its
    error), so a failed pair is retried when the file changes."""
    digest = hashlib.sha256()
    for path in (spec.zh, spec.en):
        try:
            digest.update(hashlib.sha256(read_input(path, max_bytes)).digest())
        except Exception as exc:  # noqa: BLE001 - reading reports the same error in the pair's record
            digest.update(f"unreadable:{exc}".encode("utf-8", "replace"))
    payload = [RECORD_VERSION, package_version(), encoder_signature, spec.settings(), job]
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def record_path(out_dir: str, pair_id: str) -> str:
    return os.path.join(out_dir, RECORDS_DIR, f"{pair_id}.json")


def write_record(out_dir: str, record: dict) -> None:
    data = json.dumps(record, ensure_ascii=False).encode("utf-8", "backslashreplace")
    try:
        atomic_write_many({record_path(out_dir, record["id"]): lambda fh: fh.write(data)})
    except OSError as exc:  # a full disk stops the batch: every later pair would fail the same way
        raise InputError(f"{out_dir}: cannot write the record of pair {record['id']} ({exc.strerror or exc}); "
                         "the pairs done so far are kept") from None


def read_record(out_dir: str, pair_id: str) -> dict | None:
    """The pair's record, or None when there is none or it cannot be read (it is then redone)."""
    try:
        with open(record_path(out_dir, pair_id), encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("id") == pair_id else None


def is_current(record: dict | None, key: str, retry_failed: bool) -> bool:
    """Whether a pair with this record can be skipped: same key, and either done with every output still
    there, or failed (unless ``retry_failed``)."""
    if record is None or record.get("key") != key:
        return False
    if record.get("status") == "failed":
        return not retry_failed
    return record.get("status") == "done" and all(os.path.isfile(p) for p in record.get("outputs", []))
