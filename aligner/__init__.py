"""aligner: Chinese–English sentence alignment, with a review of what the translation leaves out."""

from .api import align, align_files, align_sentences, apply_corrections, review
from .encoders import get_encoder
from .errors import AlignerError
from .model import Alignment, Bead, Sentence
from .signature import package_version

__version__ = package_version()

__all__ = ["AlignerError", "Alignment", "Bead", "Review", "ReviewParams", "Sentence", "__version__", "align",
           "align_files", "align_sentences", "apply_corrections", "get_encoder", "review"]

_REVIEW = ("Review", "ReviewParams")


def __getattr__(name: str):
    """The review's types, imported on first use: the review package (scipy among it) costs a third of a
    second that aligning does not need."""
    if name in _REVIEW:
        from . import omissions

        return getattr(omissions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
