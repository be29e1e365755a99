"""The metrics in one folder: the report's reads (`report.py`, `report.sql`) and the SQL functions that keep what
they read up to date in the writer's transaction (`functions.sql`, re-applied by `hotline migrate`). What each
figure means lives in feedback/definitions.py; the command view reads its rollups in hotline/command."""
