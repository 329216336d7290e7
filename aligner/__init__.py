"""aligner: Chinese-English sentence alignment."""

from .omissions import Review, review

__all__ = ["Review", "review"]
