"""The ``aligner`` command: a thin layer over the Python API; one module per subcommand."""

from __future__ import annotations

import sys

import click

from ..errors import AlignerError
from ..signature import package_version


class _Group(click.Group):
    """Turns user-facing errors into one line on stderr and a non-zero exit."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AlignerError as exc:
            click.echo(f"aligner: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("aligner: interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_version(), prog_name="aligner")
def main():
    """Align a Chinese text with its English translation, sentence by sentence."""


def _register():
    from . import align as _align  # noqa: F401  (each module adds its command to ``main``)
    from . import eval as _eval  # noqa: F401
    from . import review as _review  # noqa: F401
    from . import encoders as _encoders  # noqa: F401


_register()
