"""CLI subcommands, one module each (see `pipeline.commands.cli`)."""
