"""The `xxgk` command: one subcommand per stage, each parse-then-call into `pipeline/`.

Subcommands live in `pipeline/commands/<name>.py` (`HELP`, `add_arguments(parser)`,
`run(args, console) -> int`). Printing happens only in the CLI layer. Exit codes: 0 the run
completed (whatever the documents' status), 2 the run could not proceed (bad arguments, no input,
output not writable); subcommands document any other code they use.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from rich.console import Console

from pipeline import __version__

COMMANDS = ("extract", "crawl", "run", "coverage", "panel", "audit")


def _commands() -> dict[str, ModuleType]:
    found = {}
    for name in COMMANDS:
        try:
            found[name] = importlib.import_module(f"pipeline.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"pipeline.commands.{name}":
                raise
    return found


def _parser(commands: dict[str, ModuleType]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xxgk", description="政府信息公开工作年度报告 → Parquet dataset")
    p.add_argument("--version", action="version", version=f"xxgk {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for name, module in commands.items():
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    commands = _commands()
    args = _parser(commands).parse_args(argv)
    console = Console(highlight=False)
    code: int = commands[args.command].run(args, console)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
