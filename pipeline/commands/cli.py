"""The `xxgk` command: one subcommand per stage, each parse-then-call into `pipeline/`.

Subcommands live in `pipeline/commands/<name>.py` (`HELP`, `add_arguments(parser)`,
`run(args, console) -> int`). Printing happens only in the CLI layer. Exit codes: 0 the run
completed (whatever the documents' status), 2 the run could not proceed (bad arguments, no input,
output not writable); subcommands document any other code they use.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from rich.console import Console

from pipeline import __version__
from pipeline.runs.jobs import EXIT_STOPPED, add_log_arguments, event, json_logging

COMMANDS = ("extract", "crawl", "run", "coverage", "panel", "audit", "serve")
SELF_LOGGING = frozenset({"extract", "run"})
"""Commands that open their JSON log themselves (with run stats of their own); the others get theirs here."""


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
        parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(parser)
        if name not in SELF_LOGGING:
            add_log_arguments(parser)
    return p


def log_target(args: argparse.Namespace) -> Path | None:
    """`--log`, else DATA/logs/xxgk.jsonl, else DATASET/logs/xxgk.jsonl (for a folder that exists: no side effect)."""
    if args.log:
        return Path(args.log)
    data = getattr(args, "data", None)
    if data and (Path(data).is_dir() or args.command == "crawl"):  # crawl makes DATA; the others only read it
        return Path(data) / "logs" / "xxgk.jsonl"
    dataset = getattr(args, "dataset", None)
    if dataset and "://" not in str(dataset) and Path(dataset).is_dir():
        return Path(dataset) / "logs" / "xxgk.jsonl"
    return None


def logged_run(module: ModuleType, args: argparse.Namespace, console: Console) -> int:
    """Run a command inside its JSON log: run_start, the command's own events, run_end with the time."""
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(json_logging(log_target(args), args.log_level))
        except OSError as exc:  # a read-only place: the command still runs
            console.print(f"[yellow]xxgk: no JSON log ({exc}); running without one")
        event("run_start", command=args.command, argv=sys.argv[1:])
        code = int(module.run(args, console))
        reason = "completed" if code in (0, 1) else "interrupted" if code == EXIT_STOPPED else "error"
        event("run_end", command=args.command, exit_code=code, exit_reason=reason,
              elapsed_s=round(time.monotonic() - started, 3))
        return code


def main(argv: Sequence[str] | None = None) -> int:
    commands = _commands()
    args = _parser(commands).parse_args(argv)
    console = Console(highlight=False, soft_wrap=True)  # a message is one line, whatever its length (logs, grep)
    module = commands[args.command]
    if args.command in SELF_LOGGING:
        return int(module.run(args, console))
    return logged_run(module, args, console)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
