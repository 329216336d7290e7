"""User-facing errors: each one becomes a single line and a non-zero exit in the CLI."""


class AlignerError(Exception):
    """A problem with the user's input or environment, not a bug.

    The message is one line, and names the file (and line) where it can.
    """

    exit_code = 2


class InputError(AlignerError):
    """Unreadable, empty, binary or undecodable input, or inputs that cannot be aligned."""


class EncoderError(AlignerError):
    """An unknown encoder, a missing extra, or a model that cannot be loaded."""

    exit_code = 3


class SwappedInputError(InputError):
    """The two files look given in the wrong order (the translation first)."""
