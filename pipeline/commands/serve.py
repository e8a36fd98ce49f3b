"""`xxgk serve --dataset DIR`: the auditor's workbench, a local web app over the dataset (docs/workbench.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from pipeline.commands.dataset_arg import existing_dataset

HELP = "serve the auditor's workbench (pages + JSON API) over a dataset, on 127.0.0.1 by default"


def add_arguments(p: argparse.ArgumentParser) -> None:
    g_in = p.add_argument_group("Input")
    g_in.add_argument("--dataset", default="data/dataset", help="dataset folder (default: data/dataset)")
    g_in.add_argument("--archive", default=None, metavar="DIR",
                      help="a folder of WARC files to look for original captures in (default: none)")
    g_in.add_argument("--data", default=None, metavar="DIR",
                      help="a crawl's data folder: its crawl state gives the coverage view its access states "
                           "(default: none)")
    g_ex = p.add_argument_group("Execution")
    g_ex.add_argument("--host", default="127.0.0.1",
                      help="address to bind (default: 127.0.0.1, this machine only)")
    g_ex.add_argument("--port", type=int, default=8000, help="port (default: 8000)")


def run(args: argparse.Namespace, console: Console) -> int:
    import uvicorn

    from pipeline.serve.app import create_app

    folder = existing_dataset(args.dataset, console)
    if folder is None:
        return 2
    archive = Path(args.archive) if args.archive else None
    if archive is not None and not archive.is_dir():
        console.print(f"[red]xxgk: --archive {archive}: not a folder")
        return 2
    crawl = Path(args.data) if args.data else None
    if crawl is not None and not crawl.is_dir():
        console.print(f"[red]xxgk: --data {crawl}: not a folder")
        return 2
    app = create_app(folder, archive=archive, crawl=crawl)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    original_startup = server.startup

    async def startup(sockets: object = None) -> None:
        await original_startup(sockets)  # type: ignore[arg-type]
        if server.started:
            print(f"serving http://{args.host}:{args.port}/", flush=True)  # the contract's line, on stdout

    server.startup = startup  # type: ignore[method-assign]
    server.run()
    return 0
