"""What "solved" means (notebook 03 onwards); the definition itself is ``maths.solved``.

A network solves XOR when every output is on its target's side of 0.5 with ``margin`` to
spare: an output for a 1 must exceed 0.5 + margin, an output for a 0 must stay below
0.5 - margin. An output of exactly 0.5 is on neither side. ``SweepResult.solved`` uses margin
0; ``case_e.solved`` and case E's ``fix_table`` use 0.1 by default, so that outputs stuck at
0.5 +- 1e-9 cannot pass by luck; ``scratch.solved`` takes the margin as an argument (0 unless
told). This module re-exports ``maths.solved`` for the sweep engines and the explorer until
they read ``maths`` directly.
"""

from .maths import solved
from .maths import solved_fast as _solved

__all__ = ["solved", "_solved"]
