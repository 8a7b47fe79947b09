"""How much memory a sweep needs, estimated from its arguments before any work (notebook 03).

``train`` calls ``check_memory`` first and refuses (ValueError), with the estimate and the
limit in the message, a sweep that would not fit: the limit is ``MEMORY_LIMIT`` (8 GiB) or
80% of the memory the system says is available, whichever is smaller. The estimate follows what the
engines allocate (measured with ``tracemalloc``, with some margin):

- per network and recorded step (``curve_steps``): the logits on the four points and the
  loss curve, with the temporaries of ``SweepResult.from_runs``, about 160 bytes;
- per network and parameter: weights, gradients, optimizer moments, the initial and final
  copies and the state to resume from, about 56 bytes;
- the work arrays of one step: rows in a batch x widest layer x (2 depth + 4) float32 per
  network (per network of the blocks in flight for the compiled engine, padding included);
- with minibatches, each network's order of the training rows (16 bytes a row), and in the
  NumPy engine its batches of one epoch as weights over the distinct rows.
"""

from __future__ import annotations

import os

import numpy as np

MEMORY_LIMIT = 8 * 2**30  # bytes: the most one call of ``train`` may plan to use
PER_RECORD = 160
PER_PARAM = 56
PER_NETWORK = 400
FLOAT = 4


def estimate_bytes(configs, n_seeds: int, n_data: int, n_distinct: int, records: int,
                   engine: str, chunk_nets: int) -> int:
    """Bytes ``train`` needs for ``configs`` (checked ``Config`` objects) x ``n_seeds`` seeds
    on ``n_data`` training rows of which ``n_distinct`` differ, recording ``records`` points
    of each loss curve; ``chunk_nets``: networks the compiled engine works on at once."""
    total = 0
    for c in configs:
        sizes = c.layer_sizes
        params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        full = c.batch_size is None or c.batch_size >= n_data
        few = n_distinct <= 8
        rows = n_distinct if few else (n_data if full else c.batch_size)
        rows = max(rows, 4)
        work = rows * max(max(c.widths), 2) * (2 * c.depth + 4) * FLOAT
        in_flight = n_seeds if engine == "numpy" else chunk_nets
        total += n_seeds * (PER_RECORD * records + PER_PARAM * params + PER_NETWORK)
        total += in_flight * work
        if not full:
            total += n_seeds * 16 * n_data
            if engine == "numpy" and few:
                per_epoch = -(-n_data // c.batch_size)
                total += n_seeds * per_epoch * (16 * n_distinct + 9 * c.batch_size)
    return int(total)


def memory_limit() -> int:
    """The limit in bytes: ``MEMORY_LIMIT``, or 80% of the available memory if smaller."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return min(MEMORY_LIMIT, int(0.8 * int(line.split()[1]) * 1024))
    except OSError:
        pass
    try:
        return min(MEMORY_LIMIT, int(0.8 * os.sysconf("SC_AVPHYS_PAGES")
                                     * os.sysconf("SC_PAGE_SIZE")))
    except (ValueError, OSError, AttributeError):
        return MEMORY_LIMIT


def check_memory(configs, n_seeds: int, X: np.ndarray, y: np.ndarray, records: int,
                 engine: str, chunk_nets: int) -> int:
    """The estimate in bytes; a ValueError naming it and the limit when it is over."""
    distinct = len(np.unique(np.column_stack([X, y]), axis=0))
    need = estimate_bytes(configs, n_seeds, len(X), distinct, records, engine, chunk_nets)
    limit = memory_limit()
    if need > limit:
        raise ValueError(
            f"this sweep would need about {_gib(need)} of memory ({len(configs)} config(s) x "
            f"{n_seeds} seeds, {records} recorded steps each), more than the limit of "
            f"{_gib(limit)} (sweep.budget.MEMORY_LIMIT or 80% of the memory available); "
            "use fewer seeds, a larger record_every, or smaller networks or data")
    return need


def _gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB" if n >= 2**28 else f"{n / 2**20:.0f} MiB"
