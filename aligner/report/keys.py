"""Stand-in for ``aligner.corrections``' flag keys and document hashes until that module is merged."""

from __future__ import annotations

import hashlib

from ..model import Alignment
from ..omissions import Flag


def flag_key(flag: Flag) -> str:
    side, index = ("tgt", flag.en_sentence) if flag.kind == "addition" else ("src", flag.zh_sentence)
    span = f"{flag.span[0]}-{flag.span[1]}" if flag.span else "-"
    text = flag.zh or flag.en
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"{flag.kind}:{side}:{'-' if index is None else index}:{span}:{digest}"


def document_info(alignment: Alignment) -> dict:
    def sha(sentences) -> str:
        return hashlib.sha256("\n".join(s.text for s in sentences).encode("utf-8")).hexdigest()

    return {"src_sha256": sha(alignment.zh), "tgt_sha256": sha(alignment.en),
            "src_sentences": len(alignment.zh), "tgt_sentences": len(alignment.en)}
