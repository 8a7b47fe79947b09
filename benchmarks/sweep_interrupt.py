"""How fast an interrupt stops a sweep, and whether anything keeps running afterwards.

Jupyter's Interrupt button sends SIGINT to the kernel. For each case (engine, number of
networks) a child process loads the engine, starts a sweep that would take minutes, and
reports when the KeyboardInterrupt reached it; this process sends the SIGINT. Printed per
case: seconds from the signal to the KeyboardInterrupt, CPU seconds the child used in the
second after it (0 when no thread is left working), and the child's threads alive then.

Run: python benchmarks/sweep_interrupt.py
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

CHILD = """
import sys, threading, time
from xorhelpers import sweep
engine, n = sys.argv[1], int(sys.argv[2])
config = sweep.Config(widths=(16, 16), num_steps=10**7, lr=0.01)
sweep.train(config.replace(num_steps=10), n, engine=engine)  # compile or load first
print("ready", flush=True)
try:
    sweep.train(config, n, engine=engine)
    print("finished", flush=True)
except KeyboardInterrupt:
    caught, cpu = time.perf_counter(), time.process_time()
    time.sleep(1.0)
    print("interrupted", caught, time.process_time() - cpu, threading.active_count(),
          flush=True)
"""

CASES = [("numba", 200), ("numba", 1), ("numba", 2000), ("numpy", 200)]


def measure(engine: str, n: int, wait: float = 2.0) -> tuple[float, float, int]:
    """(seconds from SIGINT to KeyboardInterrupt, CPU seconds in the second after, threads)."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, engine, str(n)],
                             stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert child.stdout.readline().strip() == "ready"
    time.sleep(wait)  # well into the long sweep
    sent = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
    child.send_signal(signal.SIGINT)
    words = child.stdout.readline().split()
    child.wait(timeout=60)
    if not words or words[0] != "interrupted":
        raise RuntimeError(f"{engine} x {n}: the child said {words!r}, not 'interrupted'")
    return float(words[1]) - sent, float(words[2]), int(words[3])


def main() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.2f} (a shared machine inflates times)")
    print(f"{'engine':>7} {'networks':>9} {'stop s':>7} {'CPU s after':>12} {'threads':>8}")
    worst = 0.0
    for engine, n in CASES:
        took, cpu, threads = measure(engine, n)
        worst = max(worst, took)
        print(f"{engine:>7} {n:>9} {took:>7.3f} {cpu:>12.3f} {threads:>8}")
    print(f"interrupt_max_s={worst:.3f}")


if __name__ == "__main__":
    main()
