"""The `unitload` command (DATA_CONTRACT.md sections 4 to 6), one module per group of commands:

- `common`: the Typer app, the options most commands take, and the checks of their values;
- `extracts`: query, validate, generate, import, promote;
- `review`: report, plan, notify;
- `decisions`: decide, decisions (DATA_CONTRACT.md section 6);
- `speed`: bench, load;
- `failures`: how a command stops (one line, exit code 2).
"""

from __future__ import annotations

import sys

from unitload.cli import decisions, extracts, review, speed  # noqa: F401 - each module registers its commands
from unitload.cli.common import FORMATS, UsageError, app

__all__ = ["FORMATS", "UsageError", "app", "main"]


def main() -> None:
    """Run the command; every error becomes one line on stderr and exit code 2, never a traceback
    (UNITLOAD_DEBUG=1 shows the traceback of an unexpected one)."""
    import typer

    from unitload.cli.failures import stop

    try:
        code = app(standalone_mode=False)  # a command's typer.Exit(n) comes back as n
    except typer.Exit as done:  # --help and a command's own exit code
        sys.exit(done.exit_code)
    except typer.Abort:  # Ctrl-C at a prompt
        sys.exit(130)
    except typer.TyperException as exc:  # a missing option, an unknown command, a value of the wrong type
        if not exc.format_message():  # `unitload` alone: the help was the answer
            sys.exit(exc.exit_code)
        stop(UsageError(exc.format_message()), UsageError)
    except Exception as exc:
        stop(exc, UsageError)
    sys.exit(code if isinstance(code, int) else 0)
