"""The ``aligner`` command: a thin layer over the Python API; one module per subcommand."""

from __future__ import annotations

import sys

import click

from ..errors import AlignerError
from ..signature import package_version


class _Group(click.Group):
    """Turns user-facing errors into one line on stderr and a non-zero exit."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # click's own usage errors (a bad option value, an unknown command) printed the usage text and a
        # blank line before the error: one line, like every other error, with where to read more.
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # bare ``aligner``: the help, as asked
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"aligner: error: {exc.format_message()}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"aligner: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("aligner: interrupted", err=True)
            sys.exit(130)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

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
