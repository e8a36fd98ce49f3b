"""`xxgk serve`: the auditor's workbench, a local web app over the dataset (docs/workbench.md).

DuckDB reads the Parquet files in place (`db`); every page is a thin layer over the JSON API
(`api`, `pages`); reviews are appended beside the dataset, never over it (`reviews`); the original
bytes are found through the dataset itself (`sources`).
"""
