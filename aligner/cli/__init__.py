"""The ``aligner`` command: a thin layer over the Python API; one module per subcommand."""

from __future__ import annotations

import os
import signal
import sys
import threading

import click

from ..errors import AlignerError, InputError
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
        restore = _terminate_as_exit()
        try:
            return super().invoke(ctx)
        except AlignerError as exc:
            click.echo(f"aligner: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("aligner: interrupted", err=True)
            sys.exit(130)
        finally:
            restore()


def _terminate_as_exit():
    """Make SIGTERM raise SystemExit, so ``finally`` blocks run (removing temporary files) as for Ctrl-C;
    returns the function that puts the previous handler back."""
    if threading.current_thread() is not threading.main_thread():  # signal handlers: main thread only
        return lambda: None

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    # None: the previous handler was not set from Python; the default is the closest
    return lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def emit(line: str) -> None:
    """Print a result line on stdout. A reader that went away (``| head``) ends the run quietly; a
    stdout that cannot be written (``> /dev/full``) is one error line: the output files are complete."""
    try:
        click.echo(line)
    except BrokenPipeError:
        _detach_stdout()
        sys.exit(0)
    except OSError as exc:
        _detach_stdout()
        raise InputError(f"cannot write to standard output ({exc.strerror or exc})") from None


def _detach_stdout() -> None:
    # Python flushes stdout again at exit and would print a second error: point it at /dev/null.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests' captured stdout)
        pass


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_version(), prog_name="aligner")
def main():
    """Align a Chinese text with its English translation, sentence by sentence."""


def _register():
    from . import align as _align  # noqa: F401  (each module adds its command to ``main``)
    from . import eval as _eval  # noqa: F401
    from . import review as _review  # noqa: F401
    from . import encoders as _encoders  # noqa: F401
    from . import batch as _batch  # noqa: F401
    from . import apply as _apply  # noqa: F401


_register()
