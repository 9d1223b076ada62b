"""What streaming the event log to Parquet would cost (issue 17, docs/performance.md): one
year of scenarios/national.toml at population_scale 0.3 after its warm-up, its records
written as row groups of a million rows with each compression, then two kinds of record and
four columns read back with a filter, as a metric would read them. CPU seconds.

    python experiments/log_to_parquet_cost.py [--scale 0.3] [--out /tmp]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from model.engine.simulation import SocialDomainModel
from model.records.events import Kind
from model.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1 << 20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.3)
    ap.add_argument("--out", type=Path, default=Path("/tmp"))
    args = ap.parse_args()
    sc = load_scenario(
        ROOT / "scenarios" / "national.toml", {"years": 1.0, "population_scale": args.scale}
    )
    a = SocialDomainModel(sc).run().log.arrays()
    n = len(a["time"])
    schema = pa.schema([(k, pa.from_numpy_dtype(v.dtype)) for k, v in a.items()])
    print(f"{n:,} records")
    for compression in ("none", "snappy", "zstd"):
        path = args.out / f"log-{compression}.parquet"
        t0 = time.process_time()
        with pq.ParquetWriter(path, schema, compression=compression) as writer:
            for start in range(0, n, ROWS):
                writer.write_table(pa.table({k: v[start : start + ROWS] for k, v in a.items()}))
        t1 = time.process_time()
        kinds = [int(Kind.INTAKE), int(Kind.ADMIN)]
        table = pq.read_table(
            path, columns=["time", "kind", "value", "org"], filters=[("kind", "in", kinds)]
        )
        t2 = time.process_time()
        print(
            f"{compression}: written in {t1 - t0:.2f} s ({(t1 - t0) / n * 1e6:.3f} us a record), "
            f"{os.path.getsize(path) / n:.1f} bytes a record on disk; two kinds x four columns "
            f"read back in {t2 - t1:.2f} s ({table.num_rows:,} rows)"
        )
        path.unlink()


if __name__ == "__main__":
    main()
