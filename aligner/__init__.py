"""aligner: Chinese–English sentence alignment, with a review of what the translation leaves out."""

from .api import align, align_files, align_sentences, apply_corrections
from .encoders import get_encoder
from .errors import AlignerError
from .model import Alignment, Bead, Sentence
from .omissions import Review, ReviewParams, review
from .signature import package_version

__version__ = package_version()

__all__ = ["AlignerError", "Alignment", "Bead", "Review", "ReviewParams", "Sentence", "__version__", "align",
           "align_files", "align_sentences", "apply_corrections", "get_encoder", "review"]
