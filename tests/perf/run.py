"""Run the benchmarks: all of them, or the one named (``make bench B=routing``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    failed = []
    for name in names:
        if not (HERE / f"bench_{name}.py").exists():
            print(f"Không có benchmark '{name}' (tests/perf/bench_{name}.py)", file=sys.stderr)
            return 2
        print(f"== bench {name}", flush=True)
        if subprocess.call([sys.executable, "-m", f"tests.perf.bench_{name}"], cwd=HERE.parent.parent) != 0:
            failed.append(name)
    if failed:
        print(f"benchmarks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
