"""A reviewer's corrections file (written by the review page): read and checked, then applied to an alignment
(edits of its beads) and to a review (decisions on its flags). The format is in docs/formats.md.

Edits name beads by the sentences they hold, never by bead number, and flags are named by a key made of their
kind, place and text, so that one corrections file fits any alignment of the same documents.
"""

from .edits import apply_edits
from .file import (EDIT_FIELDS, FORMAT, VERSION, Corrections, check_document, document_of, flag_key,
                   load_corrections, parse_corrections, sentences_sha256)
from .review import DecidedReview, apply_decisions

__all__ = ["EDIT_FIELDS", "FORMAT", "VERSION", "Corrections", "DecidedReview", "apply_decisions", "apply_edits", "check_document",
           "document_of", "flag_key", "load_corrections", "parse_corrections", "sentences_sha256"]
