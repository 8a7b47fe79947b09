"""python -m xorhelpers.book ROOT OUT: build the static site of ROOT/notebooks into OUT."""

import sys
import time

from .build import build

if len(sys.argv) != 3:
    sys.exit("usage: python -m xorhelpers.book ROOT OUT")
t0 = time.perf_counter()
pages = build(sys.argv[1], sys.argv[2])
print(f"{len(pages)} pages in {sys.argv[2]} ({time.perf_counter() - t0:.1f} s); "
      f"open {pages[0]}", flush=True)
