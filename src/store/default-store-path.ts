/**
 * Where runs are stored when no `--db` is given. Its own module, free of DuckDB, so the CLI can
 * show it in `--help` without loading the database driver.
 */
export const defaultStorePath = '.beamulator/beamulator.duckdb';
