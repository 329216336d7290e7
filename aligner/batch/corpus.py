"""The combined corpus of a batch, built from the done-records (so each finished pair is in it exactly once,
however often the batch was interrupted): TSV, Parquet, Moses line-aligned files and one TMX. Written as
one all-or-nothing set, streaming a record at a time."""

from __future__ import annotations

import os
from typing import BinaryIO, Callable, Iterator

from ..export.base import atomic_write_many, encode_text
from ..export.tmx import tmx_document, tmx_tu
from ..export.tsv import tsv_cell
from ..export.xmltext import xml_attr
from ..signature import package_version
from .plan import CORPUS_FILES
from .records import read_record

COLUMNS = ("pair_id", "bead", "zh", "en", "score", "confidence", "flags")
_ROW_GROUP = 50_000  # Parquet rows per group: bounded memory for any corpus size


def _rows(out_dir: str, ids: list[str]) -> Iterator[tuple[dict, list]]:
    """(record, row) for each bead of each done pair, in the batch's order."""
    for pair_id in ids:
        record = read_record(out_dir, pair_id)
        if record and record.get("status") == "done":
            for row in record.get("rows", []):
                yield record, row


def write_corpus(out_dir: str, ids: list[str], srclang: str, signature: str) -> list[str]:
    """Write the combined corpus files for the done pairs among ``ids``; ``srclang`` and ``signature`` go in
    the TMX header (``*all*`` when the pairs' source languages differ)."""
    tsv, parquet, src, tgt, tmx = (os.path.join(out_dir, name) for name in CORPUS_FILES)
    writers: dict[str, Callable[[BinaryIO], None]] = {
        tsv: lambda fh: _write_tsv(fh, _rows(out_dir, ids)),
        parquet: lambda fh: _write_parquet(fh, _rows(out_dir, ids)),
        src: lambda fh: _write_moses(fh, _rows(out_dir, ids), 1),
        tgt: lambda fh: _write_moses(fh, _rows(out_dir, ids), 2),
        tmx: lambda fh: _write_tmx(fh, _rows(out_dir, ids), srclang, signature),
    }
    return atomic_write_many(writers)


def _write_tsv(fh: BinaryIO, rows) -> None:
    fh.write(encode_text("\t".join(COLUMNS) + "\n"))
    for record, (bead, zh, en, score, confidence, flags) in rows:
        fh.write(encode_text("\t".join((tsv_cell(record["id"]), bead, tsv_cell(zh), tsv_cell(en), f"{score:.4f}",
                                        f"{confidence:.4f}", ",".join(flags))) + "\n"))


def _write_parquet(fh: BinaryIO, rows) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("pair_id", pa.string()), ("bead", pa.string()), ("zh", pa.string()), ("en", pa.string()),
                        ("score", pa.float64()), ("confidence", pa.float64()), ("flags", pa.list_(pa.string()))])
    with pq.ParquetWriter(fh, schema) as writer:
        columns: dict[str, list] = {name: [] for name in COLUMNS}

        def flush():
            writer.write_table(pa.table(columns, schema=schema))
            for values in columns.values():
                values.clear()

        for record, row in rows:
            for name, value in zip(COLUMNS, (record["id"], *row)):
                columns[name].append(value)
            if len(columns["bead"]) >= _ROW_GROUP:
                flush()
        flush()


def _write_moses(fh: BinaryIO, rows, side: int) -> None:
    """One line per bead with text on both sides (line k of corpus.src translates line k of corpus.tgt)."""
    for _, row in rows:
        if row[1] and row[2]:
            fh.write(encode_text(tsv_cell(row[side]) + "\n"))


def _write_tmx(fh: BinaryIO, rows, srclang: str, signature: str) -> None:
    units = (tmx_tu([("x-pair-id", record["id"]), ("x-bead", bead), ("x-score", f"{score:.4f}"),
                     ("x-confidence", f"{confidence:.4f}")],
                    (xml_attr(record["stats"]["src_locale"]), zh), (xml_attr(record["stats"]["tgt_locale"]), en))
             for record, (bead, zh, en, score, confidence, _) in rows if zh and en)
    for part in tmx_document(srclang, package_version(), signature, units):
        fh.write(part)
