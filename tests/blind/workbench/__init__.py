"""Blind acceptance tests for `xxgk serve` (issue #17), written from docs/workbench-contract.md alone."""
