"""``python -m aligner`` is the ``aligner`` command."""

from .cli import main

main()
