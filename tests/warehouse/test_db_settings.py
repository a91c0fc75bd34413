"""Settings a writable warehouse connection carries (see ``warehouse.db.CHECKPOINT_THRESHOLD``)."""

from warehouse.db import connect


def test_a_writer_checkpoints_less_often_than_duckdbs_default(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        shown = con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
    finally:
        con.close()
    value, unit = shown.split()
    assert unit == "MiB" and float(value) > 16  # DuckDB's default is 16 MB (15.2 MiB)
