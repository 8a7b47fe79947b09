"""The compiled loops of the fast engine (``fast_engine``), numba nopython code.

Networks are trained in blocks (up to ``LANES``; ``fast_engine`` picks the size, a multiple
of 64 for a sweep, exactly the networks for fewer than 64). Everything a block works on is a
two-dimensional float32 array (rows, lanes), one network per column of the contiguous last
axis: its parameters (per layer the kernel row by row, then the bias), gradients, optimizer
moments, the layers' values and slopes. Every inner loop is ``for j in range(L)`` over the
block's independent networks doing the same float32 operation, which the compiler turns into
vector instructions (16 networks per AVX-512 instruction, 8 with AVX); a call trains each
block of its chunk through a range of steps, block after block, so a block's working set
stays in the caches while its steps run. A loop that is not a multiple of the vector width
long runs its rest as scalar code; one of 16 or 32 networks ran no faster than scalar code
here, hence blocks of 64 and more.

Bit for bit the NumPy engine's numbers: each network performs the NumPy engine's float32
operations in the same order (every sum starts from zero and adds its terms in the same
sequence; ``_dot`` adds four terms per pass over the lanes, one after the other), and an
operation on one lane never reads another, so a network's numbers do not depend on its
neighbours, on its block or on the vector width. No fast-math: no reassociation, no fused
multiply-add (numba emits separate multiplies and adds and LLVM does not contract them
without fast-math flags), so a processor with FMA computes what one without computes, and
``NUMBA_CPU_NAME=generic`` (baseline SSE2 code) gives the same bits as the native build
(tested).

exp and tanh are computed here from basic double-precision operations (Cody-Waite reduction
and a degree-11 polynomial, the power 2**k built from its bits) rather than called from a
math library, for two reasons: a library's exp may differ from processor to processor in
the last bit (NumPy's vectorised ones do, see ``xorhelpers.portable``; numba would call
Intel's SVML where it is installed), and a library call cannot be vectorised. These are
plain multiplies and adds and vectorise like the rest: the only choice left between speed
and bit-identity was the float-to-integer conversion of k, done through int32, which every
vector unit converts, where a direct int64 conversion is scalar without AVX-512. The
double-precision value rounds to float32 as the exact value does, which is what the NumPy
engine computes (float64 exp, rounded), for every float32 input but two, which ``_exp32``
takes from a table of their correctly rounded values (below). A cheaper
float32 polynomial would round differently from the NumPy engine for many inputs.

Networks with one hidden layer (most recipes) train through ``shallow_step``, which fuses
``forward_rows`` and ``gradient``: one pass over the lanes per (row, unit) forward (the unit's
pre-activation, activation and slope, and its term of the logit's sum) and one backward
(its terms of four gradient sums), a few hundred vector instructions per pass instead of a
dozen passes of a few, with the same operations in the same order for every number. Deeper
networks train through ``deep_step``, the same two functions in one with four sums per pass
(``_dot4``): 2,330 passes per step for case D's 7 x 16 network on the four points where the
two make 13,745. ``forward_rows`` and ``gradient`` remain the readable form, and the tests
hold both fused steps to them bit for bit.

Where the time goes (numba's ``inspect_asm``, ``perf`` and timings of each part, 2-core AMD
EPYC with AVX-512; the machine was shared, so these are CPU-time figures, noisy by 10-20%).
A 2-2-1 network, Adam, full batch, one block of 256: every lane loop is vectorised (zmm
instructions, 16 networks each, 8 in the double-precision exp), behind LLVM's runtime
checks that the arrays do not overlap (the compare-and-or chains before each loop); the
only calls are numba's reference counts on entering and leaving a function. Per step, the
four exps of the output sigmoid cost about 1.3 us (some 50 double multiplies and adds per
16 values, the arithmetic is the bound; a table-driven exp with a shorter polynomial ran
no faster, its gather cost what the polynomial saved, and it rounded one float32 input
differently), the rest of the forward and backward passes about 1.4 us (mostly loads and
stores of the rows), Adam's update about 0.7 us (a float32 square root and division per
parameter, the divider unit's pace; 1.6 us once second moments fall below float32's normal
range, from gradients under 1e-19: subnormal arithmetic is slow on this processor, and
flushing it to zero would change the numbers): 15 ns per network-step in all (blocks of
64: 19.6 ns, 128: 15.9, 256: 15.0, 512: 14.7; the set-up of each pass is paid per block).
The 33 ns per network-step per CPU that ``benchmarks/sweep.py`` measured for 1,000 such
networks (2,000 steps, ``train`` as a whole) was the kernel's 17 ns (two blocks of 256 per
core, 24 padding networks) plus, per call: the result's float64 loss curves (11 ms of CPU
for 1,000 x 101 records x 4 points, C library exp and log1p, which the NumPy engine pays
as well; the same calls compiled in numba ran only 27% faster, so they stay in NumPy),
the solved steps (3.4 ms, now 0.4 ms: two comparisons per logit), and the transposing
copies of the recorded logits out of the blocks (about 3 ms, now none: the kernel writes
them network first); thread hand-off and the 50 ms pacing of the calls cost under 1%. So
at 2,000 steps the engine runs at about 7 times the NumPy engine's pace per CPU-second and
about twice that in wall time with both cores free; the exact exp (24% of the kernel's
time) is the largest part a bit-changing variant could remove, not enough for 10 times per
CPU either, so none is offered. Case D's 7 x 16 network (1,697 parameters; 200 networks,
500 steps): 3.9 us per network-step before ``deep_step`` and in blocks of 64, the passes'
set-up the bound (a pass of 16 products over 64 lanes costs 0.21 ns per product, over 256
lanes 0.11, the same products in one plain loop 0.06-0.08); ``deep_step`` with one block of
128 per core instead of two of 64 took the 200 networks from 339 to about 240 ms of wall
time on a quiet machine.
Checked over all 2**32 float32 inputs, the double-precision exp rounded to float32 differs
from NumPy's correctly rounded one (float64 exp, rounded) at exactly two, 65.51379 and
-1.0149802, by one unit in the last place (their exact values lie within 1e-13 of a float32
midpoint); ``_exp32`` returns the correctly rounded value for those two from a table, two
compares per value, so the engines agree on every input.

Minibatches: each network's order of the rows is a sort of their hashed keys, once per
epoch (``_new_orders``): about 8 ns per row and network (5.8 the bucket sort, see
``_epoch_order_into``, the rest writing the orders into the block; 9.2 before the sort's
hashing got a loop of its own), which for a batch of 4 (250 steps per epoch of 1,000 rows)
is about 32 ns per step, twice the step itself: the case B presets (200 networks, 25,000
steps) spend about 40% of their CPU time sorting. A cheaper
order (a hashed permutation of the rows in closed form, say) would change every minibatch
result the notebooks print; it is not made.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from .streams import mix64

FULL, FEW, GATHER = 0, 1, 2  # how a step's batch is given: all rows, row weights, rows
RELU, LEAKY, SIGMOID, TANH, LINEAR = 0, 1, 2, 3, 4  # the hidden activation's code
BCE, MSE = 0, 1  # the loss' code
SGD, MOMENTUM, RMSPROP, ADAM = 0, 1, 2, 3  # the optimizer's code
LANES = 256  # most networks per block (fast_engine picks the block size)
LN2_HI, LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10  # fdlibm's split
INV_LN2 = 1.44269504088896338700e00


#: Why compiled code cannot be cached on disk in this process ("" when it can).
CACHE_PROBLEM = ""
#: Every compiled function of this module (``fast_engine`` may switch their caches off).
DISPATCHERS = []


def _jit(**options):
    """numba.njit with NumPy's float semantics (x / 0 is inf or nan, as in the NumPy engine,
    not an exception) and an on-disk cache; without one where no cache location is usable."""
    options["error_model"] = "numpy"

    def wrap(fn):
        global CACHE_PROBLEM
        try:
            compiled = numba.njit(cache=True, **options)(fn)
        except RuntimeError as error:  # "cannot cache function ...: no locator available"
            CACHE_PROBLEM = str(error)
            compiled = numba.njit(**options)(fn)
        DISPATCHERS.append(compiled)
        return compiled
    return wrap


#: ``streams.splitmix64`` for one (seed, counter) pair of uint64: the same function, compiled.
splitmix64 = _jit()(mix64)


@_jit()
def epoch_order(seed, epoch, n):
    """``streams.batch_order`` inside compiled code: the order of the n rows in ``epoch``,
    the rows sorted by their hashed keys (all distinct, so the order is unique)."""
    keys, start, fill, order = _order_work(n)
    _epoch_order_into(seed, epoch, n, keys, start, fill, order)
    return order


@_jit()
def _order_work(n):
    """Work arrays of ``_epoch_order_into`` for n rows: keys, start, fill, order."""
    bits = 1
    while (1 << bits) < n:
        bits += 1
    return (np.empty(2 * n, np.uint64), np.empty((1 << bits) + 1, np.int64),
            np.empty(1 << bits, np.int64), np.empty(n, np.int64))


@_jit()
def _epoch_order_into(seed, epoch, n, keys, start, fill, order):
    """``epoch_order`` into ``order``, with the work arrays of ``_order_work(n)``.

    A bucket sort: the keys are uniform 64-bit hashes, so their top bits spread the rows
    over about n buckets with one row each on average; rows (with their keys) are placed
    bucket by bucket, which leaves them sorted but within buckets, and one insertion pass
    over the placed keys sorts the few sharing a bucket by their full keys. Linear time on
    average, where a comparison sort of case B's 1,000 rows cost ten passes. Per row of
    1,000: hashing 0.3 ns (vector code, in a loop of its own), counting and the running
    sum about 2.5 ns, placing 2.3 ns, the insertion pass 1.7 ns (mostly mispredicted
    branches); the hashes hashed inside the counting loop cost 1.3 ns more."""
    base = np.uint64(epoch) << np.uint64(32)
    top = np.uint64(1) << np.uint64(63)
    buckets, bits = len(fill), 0
    while (1 << bits) < buckets:
        bits += 1
    shift = np.uint64(64 - bits)
    for b in range(buckets + 1):
        start[b] = 0
    for i in range(n):  # apart from the counting: this loop runs as vector code
        keys[i] = splitmix64(np.uint64(seed), (base + np.uint64(i)) | top)
    for i in range(n):
        start[np.int64(keys[i] >> shift) + 1] += 1
    placed = 0  # rows in the buckets before b, in a register (not reloaded from start)
    for b in range(buckets):
        fill[b] = placed
        placed += start[b + 1]
    for i in range(n):  # placed: keys[n + p] is the key of order[p]
        key = keys[i]
        b = np.int64(key >> shift)
        p = fill[b]
        fill[b] = p + 1
        keys[n + p] = key
        order[p] = i
    for p in range(n + 1, 2 * n):
        key = keys[p]
        if keys[p - 1] > key:  # only within a bucket: the buckets are in order
            row = order[p - n]
            q = p
            while q > n and keys[q - 1] > key:
                keys[q] = keys[q - 1]
                order[q - n] = order[q - n - 1]
                q -= 1
            keys[q] = key
            order[q - n] = row


@intrinsic
def _bits_as_float64(typingctx, bits):
    """The float64 whose bit pattern is the int64 ``bits`` (a register move)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


@_jit(inline="always")
def _exp_double(x):
    """exp(x) in double precision for x in [-745, 709]: reduction x = k ln2 + r,
    |r| <= ln2/2, a degree-11 Taylor polynomial in r (relative error < 1e-13), times the
    exact power 2**k built from its bits (k through int32, which vector code converts)."""
    k = np.floor(x * INV_LN2 + 0.5)
    r = (x - k * LN2_HI) - k * LN2_LO
    p = 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return p * _bits_as_float64((np.int64(np.int32(k)) + 1023) << 52)


_TIE_IN = (np.float32(65.51379), np.float32(-1.0149802))
_TIE_OUT = (np.float32(2.8331913e+28), np.float32(0.36240962))


@_jit(inline="always")
def _exp32(x):
    """exp of the float32 x, rounded to float32 as the exact value is, for every float32 x
    (checked over all 2**32; two of them from the table above); NaN stays NaN."""
    xc = np.float64(x)
    if not xc > -104.0:  # exp underflows to 0 in float32 (NaN: any value will do)
        xc = -104.0
    if xc > 89.0:  # overflows to inf
        xc = 89.0
    v = np.float32(_exp_double(xc))
    if x == _TIE_IN[0]:  # the two inputs whose double value falls on the wrong side of a
        v = _TIE_OUT[0]  # float32 rounding midpoint (of all 2**32, checked): their exact
    if x == _TIE_IN[1]:  # rounding, as the NumPy engine computes it
        v = _TIE_OUT[1]
    return v if x == x else x


@_jit(inline="always")
def _tanh32(x):
    """tanh of the float32 x rounded to float32, from e = exp(-2|x|) in double precision as
    (1 - e) / (1 + e); a series below 1e-4, where 1 - e would lose digits."""
    xd = np.float64(x)
    a = abs(xd)
    e = _exp_double(-2.0 * a if a < 30.0 else -60.0)
    big = (1.0 - e) / (1.0 + e)
    a3 = a * a * a
    small = a - a3 / 3.0 + 2.0 * (a3 * a * a) / 15.0
    v = small if a < 1e-4 else big
    v = -v if xd < 0 else v
    return np.float32(v) if xd == xd else x


@_jit()
def exp_rows(x, out):
    """out = exp(x) elementwise, float32 (rows, LANES) arrays: the engine's exp."""
    L = x.shape[1]
    for i in range(x.shape[0]):
        for j in range(L):
            out[i, j] = _exp32(x[i, j])


@_jit()
def tanh_rows(x, out):
    """out = tanh(x) elementwise, float32 (rows, LANES) arrays: the engine's tanh."""
    L = x.shape[1]
    for i in range(x.shape[0]):
        for j in range(L):
            out[i, j] = _tanh32(x[i, j])


@_jit()
def _activate(act, leaky, Z, zi, S, si):
    """The hidden activation of row zi of Z, in place, its slope into row si of S
    (relu'(0) = 0 as in Keras)."""
    L = Z.shape[1]
    one, zero = np.float32(1.0), np.float32(0.0)
    if act == RELU:
        for j in range(L):
            s = one if Z[zi, j] > zero else zero
            S[si, j] = s
            Z[zi, j] *= s
    elif act == LEAKY:
        for j in range(L):
            s = one if Z[zi, j] > zero else leaky
            S[si, j] = s
            Z[zi, j] *= s
    elif act == SIGMOID:
        for j in range(L):
            a = one / (_exp32(-Z[zi, j]) + one)
            Z[zi, j] = a
            S[si, j] = (one - a) * a
    elif act == TANH:
        for j in range(L):
            a = _tanh32(Z[zi, j])
            Z[zi, j] = a
            S[si, j] = one - a * a
    else:
        for j in range(L):
            S[si, j] = one


@_jit()
def forward_rows(P, sizes, offs, act, leaky, H, S, rows, R, W):
    """Logits of a block's networks (parameters P (n_params, LANES)) on ``rows`` rows.

    H holds every layer's values, row (layer * R + r) * W + unit for row r of the batch
    (R rows at most, W units at most): the inputs as layer 0 (filled by the caller), the
    hidden activations, and the logits as layer depth + 1; S the hidden slopes, row
    (layer * R + r) * W + unit for hidden layer ``layer`` (from 0)."""
    L = H.shape[1]
    depth = len(sizes) - 2
    for layer in range(depth + 1):
        fan_in, fan_out, off = sizes[layer], sizes[layer + 1], offs[layer]
        for r in range(rows):
            a0, z0 = (layer * R + r) * W, ((layer + 1) * R + r) * W
            for o in range(fan_out):
                zi = z0 + o
                _dot(H, zi, H, a0, 1, P, off + o, fan_out, fan_in)
                bi = off + fan_in * fan_out + o
                for j in range(L):
                    H[zi, j] += P[bi, j]
                if layer < depth:
                    _activate(act, leaky, H, zi, S, a0 + o)


@_jit()
def _accumulate(G, gi, H, a0, k, fan_in, W, D, d0, rows):
    """G[gi] = sum over rows r of (input k of row r) * D[d0 + r], in row order from zero;
    row r's input k is H[a0 + r * W + k], input fan_in the bias' constant 1."""
    L = G.shape[1]
    zero = np.float32(0.0)
    if k < fan_in:
        _dot(G, gi, H, a0 + k, W, D, d0, 1, rows)
        return
    for j in range(L):
        G[gi, j] = zero
    for r in range(rows):
        di = d0 + r
        for j in range(L):
            G[gi, j] += D[di, j]


@_jit()
def _dot(Z, zi, A, a0, da, B, b0, db, count):
    """Z[zi] = sum over t < count of A[a0 + t da] * B[b0 + t db], row by row (lanewise):
    from zero, the terms added one after the other in order, four terms per pass over
    the lanes (the same roundings as one term per pass, less memory traffic)."""
    L = Z.shape[1]
    zero = np.float32(0.0)
    for j in range(L):
        Z[zi, j] = zero
    t = 0
    while t + 4 <= count:
        a, b = a0 + t * da, b0 + t * db
        for j in range(L):
            Z[zi, j] = (((Z[zi, j] + A[a, j] * B[b, j]) + A[a + da, j] * B[b + db, j])
                        + A[a + 2 * da, j] * B[b + 2 * db, j]) + A[a + 3 * da, j] * B[b + 3 * db, j]
        t += 4
    while t + 2 <= count:
        a, b = a0 + t * da, b0 + t * db
        for j in range(L):
            Z[zi, j] = (Z[zi, j] + A[a, j] * B[b, j]) + A[a + da, j] * B[b + db, j]
        t += 2
    if t < count:
        a, b = a0 + t * da, b0 + t * db
        for j in range(L):
            Z[zi, j] += A[a, j] * B[b, j]


@_jit()
def gradient(P, G, sizes, offs, loss, y, w, rows, R, W, H, S, dz, dZ, dA):
    """The loss gradient into G (n_params, LANES), after ``forward_rows`` on ``rows`` rows with
    targets y (rows, LANES) and per-row weights w (rows, LANES) summing to 1. dz: row r;
    dZ: row o * R + r; dA: row r * W + k."""
    L = H.shape[1]
    one, zero, two = np.float32(1.0), np.float32(0.0), np.float32(2.0)
    depth = len(sizes) - 2
    for r in range(rows):  # the loss' slope at the logit, weighted
        zi = ((depth + 1) * R + r) * W
        if loss == MSE:  # through the sigmoid
            for j in range(L):
                q = one / (_exp32(-H[zi, j]) + one)
                dz[r, j] = ((q - y[r, j]) * ((two * q) * (one - q))) * w[r, j]
        else:
            for j in range(L):
                q = one / (_exp32(-H[zi, j]) + one)
                dz[r, j] = (q - y[r, j]) * w[r, j]
    fan_in, off = sizes[depth], offs[depth]
    for k in range(fan_in + 1):
        _accumulate(G, off + k, H, depth * R * W, k, fan_in, W, dz, 0, rows)
    for r in range(rows):
        for k in range(fan_in):
            ai, pi = r * W + k, off + k
            for j in range(L):
                dA[ai, j] = dz[r, j] * P[pi, j]
    for layer in range(depth - 1, -1, -1):
        fan_in, fan_out, off = sizes[layer], sizes[layer + 1], offs[layer]
        for r in range(rows):
            for o in range(fan_out):
                di, ai, si = o * R + r, r * W + o, (layer * R + r) * W + o
                for j in range(L):
                    dZ[di, j] = dA[ai, j] * S[si, j]
        for k in range(fan_in + 1):
            for o in range(fan_out):
                _accumulate(G, off + k * fan_out + o, H, layer * R * W, k, fan_in, W, dZ,
                            o * R, rows)
        if layer:
            for r in range(rows):
                for k in range(fan_in):
                    ai = r * W + k
                    for j in range(L):
                        dA[ai, j] = zero
                    for o in range(fan_out):
                        di, pi = o * R + r, off + k * fan_out + o
                        for j in range(L):
                            dA[ai, j] += dZ[di, j] * P[pi, j]


@_jit(inline="always")
def _dot4(Z, z0, dz, A, a0, da1, da2, B, b0, db1, db2, count):
    """Four of ``_dot``'s sums at once: Z[z0 + i dz] = sum over t < count of
    A[a0 + i da1 + t da2] * B[b0 + i db1 + t db2] for i = 0..3, each from zero with its
    terms one after the other (the same roundings as ``_dot``), four terms of the four sums
    per pass over the lanes, so one pass does sixteen products where ``_dot`` does four."""
    L = Z.shape[1]
    zero = np.float32(0.0)
    z1, z2, z3 = z0 + dz, z0 + 2 * dz, z0 + 3 * dz
    t = 0
    while t + 4 <= count:
        fresh = t == 0
        p0, q0 = a0 + t * da2, b0 + t * db2
        p1, q1, p2, q2, p3, q3 = p0 + da1, q0 + db1, p0 + 2 * da1, q0 + 2 * db1, \
            p0 + 3 * da1, q0 + 3 * db1
        e2, f2, e3, f3 = 2 * da2, 2 * db2, 3 * da2, 3 * db2
        for j in range(L):
            s0, s1, s2, s3 = Z[z0, j], Z[z1, j], Z[z2, j], Z[z3, j]
            s0, s1 = (zero if fresh else s0), (zero if fresh else s1)
            s2, s3 = (zero if fresh else s2), (zero if fresh else s3)
            Z[z0, j] = (((s0 + A[p0, j] * B[q0, j]) + A[p0 + da2, j] * B[q0 + db2, j])
                        + A[p0 + e2, j] * B[q0 + f2, j]) + A[p0 + e3, j] * B[q0 + f3, j]
            Z[z1, j] = (((s1 + A[p1, j] * B[q1, j]) + A[p1 + da2, j] * B[q1 + db2, j])
                        + A[p1 + e2, j] * B[q1 + f2, j]) + A[p1 + e3, j] * B[q1 + f3, j]
            Z[z2, j] = (((s2 + A[p2, j] * B[q2, j]) + A[p2 + da2, j] * B[q2 + db2, j])
                        + A[p2 + e2, j] * B[q2 + f2, j]) + A[p2 + e3, j] * B[q2 + f3, j]
            Z[z3, j] = (((s3 + A[p3, j] * B[q3, j]) + A[p3 + da2, j] * B[q3 + db2, j])
                        + A[p3 + e2, j] * B[q3 + f2, j]) + A[p3 + e3, j] * B[q3 + f3, j]
        t += 4
    while t < count:
        fresh = t == 0
        p0, q0 = a0 + t * da2, b0 + t * db2
        p1, q1, p2, q2, p3, q3 = p0 + da1, q0 + db1, p0 + 2 * da1, q0 + 2 * db1, \
            p0 + 3 * da1, q0 + 3 * db1
        for j in range(L):
            s0, s1, s2, s3 = Z[z0, j], Z[z1, j], Z[z2, j], Z[z3, j]
            s0, s1 = (zero if fresh else s0), (zero if fresh else s1)
            s2, s3 = (zero if fresh else s2), (zero if fresh else s3)
            Z[z0, j] = s0 + A[p0, j] * B[q0, j]
            Z[z1, j] = s1 + A[p1, j] * B[q1, j]
            Z[z2, j] = s2 + A[p2, j] * B[q2, j]
            Z[z3, j] = s3 + A[p3, j] * B[q3, j]
        t += 1


@_jit(inline="always")
def _sum_rows(G, gi, D, d0, rows):
    """G[gi] = D[d0] + D[d0 + 1] + ... (rows terms), from zero, one after the other, four
    per pass."""
    L = G.shape[1]
    zero = np.float32(0.0)
    for j in range(L):
        G[gi, j] = zero
    r = 0
    while r + 4 <= rows:
        for j in range(L):
            G[gi, j] = (((G[gi, j] + D[d0 + r, j]) + D[d0 + r + 1, j]) + D[d0 + r + 2, j]) \
                + D[d0 + r + 3, j]
        r += 4
    while r < rows:
        for j in range(L):
            G[gi, j] += D[d0 + r, j]
        r += 1


@_jit()
def deep_step(P, G, sizes, offs, act, leaky, loss, y, w, rows, R, W, H, S, dz, dZ, dA):
    """``forward_rows`` and ``gradient`` of a network of any depth in one function: the same
    float32 operations, in the same order for every number (each sum from zero, its terms
    one after the other), with the arrays laid out as theirs, grouped into fewer and fuller
    passes over the lanes: four sums per pass (four rows of a unit's pre-activation, four
    units' gradients of one input, four rows of a back-propagated sum), a unit's bias and
    activation in one pass, the loss' slope times the output weight times the hidden slope
    in one. For a 7 x 16 network on the four points, about 1,500 passes per step where the
    two functions make about 13,000, most of them too short to fill the vector loop."""
    L = H.shape[1]
    one, zero, two = np.float32(1.0), np.float32(0.0), np.float32(2.0)
    depth = len(sizes) - 2
    for layer in range(depth + 1):
        fan_in, fan_out, off = sizes[layer], sizes[layer + 1], offs[layer]
        a0, z0 = layer * R * W, (layer + 1) * R * W
        for o in range(fan_out):
            r = 0
            while r + 4 <= rows:
                _dot4(H, z0 + r * W + o, W, H, a0 + r * W, W, 1, P, off + o, 0, fan_out,
                      fan_in)
                r += 4
            while r < rows:
                _dot(H, z0 + r * W + o, H, a0 + r * W, 1, P, off + o, fan_out, fan_in)
                r += 1
            bi = off + fan_in * fan_out + o
            for r in range(rows):
                zi, si = z0 + r * W + o, a0 + r * W + o
                if layer == depth:
                    for j in range(L):
                        H[zi, j] += P[bi, j]
                elif act == RELU or act == LEAKY:
                    below = zero if act == RELU else leaky
                    for j in range(L):
                        z = H[zi, j] + P[bi, j]
                        s = one if z > zero else below
                        S[si, j] = s
                        H[zi, j] = z * s
                elif act == SIGMOID:
                    for j in range(L):
                        a = one / (_exp32(-(H[zi, j] + P[bi, j])) + one)
                        H[zi, j] = a
                        S[si, j] = (one - a) * a
                elif act == TANH:
                    for j in range(L):
                        a = _tanh32(H[zi, j] + P[bi, j])
                        H[zi, j] = a
                        S[si, j] = one - a * a
                else:
                    for j in range(L):
                        H[zi, j] += P[bi, j]
                        S[si, j] = one
    for r in range(rows):  # the loss' slope at the logit, weighted
        zi = ((depth + 1) * R + r) * W
        if loss == MSE:
            for j in range(L):
                q = one / (_exp32(-H[zi, j]) + one)
                dz[r, j] = ((q - y[r, j]) * ((two * q) * (one - q))) * w[r, j]
        else:
            for j in range(L):
                q = one / (_exp32(-H[zi, j]) + one)
                dz[r, j] = (q - y[r, j]) * w[r, j]
    fan_in, off = sizes[depth], offs[depth]
    a0 = depth * R * W
    k = 0
    while k + 4 <= fan_in:  # the output kernel, four inputs per pass
        _dot4(G, off + k, 1, H, a0 + k, 1, W, dz, 0, 0, 1, rows)
        k += 4
    while k < fan_in:
        _dot(G, off + k, H, a0 + k, W, dz, 0, 1, rows)
        k += 1
    _sum_rows(G, off + fan_in, dz, 0, rows)
    for r in range(rows):  # dZ of the last hidden layer: (dz * output weight) * slope
        for o in range(fan_in):
            di, si, pi = o * R + r, a0 + r * W + o, off + o
            for j in range(L):
                dZ[di, j] = (dz[r, j] * P[pi, j]) * S[si - R * W, j]
    for layer in range(depth - 1, -1, -1):
        fan_in, fan_out, off = sizes[layer], sizes[layer + 1], offs[layer]
        a0 = layer * R * W
        for k in range(fan_in):
            o = 0
            while o + 4 <= fan_out:
                _dot4(G, off + k * fan_out + o, 1, H, a0 + k, 0, W, dZ, o * R, R, 1, rows)
                o += 4
            while o < fan_out:
                _dot(G, off + k * fan_out + o, H, a0 + k, W, dZ, o * R, 1, rows)
                o += 1
        for o in range(fan_out):
            _sum_rows(G, off + fan_in * fan_out + o, dZ, o * R, rows)
        if layer:
            for k in range(fan_in):
                r = 0
                while r + 4 <= rows:
                    _dot4(dA, r * W + k, W, dZ, r, 1, R, P, off + k * fan_out, 0, 1, fan_out)
                    r += 4
                while r < rows:
                    _dot(dA, r * W + k, dZ, r, R, P, off + k * fan_out, 1, fan_out)
                    r += 1
            s0 = (layer - 1) * R * W
            for r in range(rows):
                for k in range(fan_in):
                    di, ai = k * R + r, r * W + k
                    for j in range(L):
                        dZ[di, j] = dA[ai, j] * S[s0 + ai, j]


@_jit()
def shallow_step(P, G, h, act, leaky, loss, H, W, y, w, rows, A, S, Zo, dz):
    """``forward_rows`` and ``gradient`` of a network with one hidden layer of h units, fused.

    The same float32 operations as those two, in the same order for every number (each
    sum from zero, its terms one after the other), grouped so that one pass over the lanes
    does all the work on one (row, unit) pair: its pre-activation, activation, slope and
    term of the output's sum forward; its terms of four gradient sums backward. Parameters
    as ``forward_rows`` lays them out: the first kernel in rows k h + o, its bias in 2 h + o, the
    output kernel in 3 h + o, its bias in 4 h. A and S: activations and slopes, row r h + o;
    Zo: the logits (rows, L); dz: the loss' slope at the logits."""
    L = P.shape[1]
    one, zero, two = np.float32(1.0), np.float32(0.0), np.float32(2.0)
    b2 = 4 * h
    for r in range(rows):
        x0, x1 = r * W, r * W + 1
        for j in range(L):
            Zo[r, j] = zero
        for o in range(h):
            w0, w1, b, v, ai = o, h + o, 2 * h + o, 3 * h + o, r * h + o
            if act == RELU or act == LEAKY:
                below = zero if act == RELU else leaky  # the slope for z <= 0
                for j in range(L):
                    z = ((zero + H[x0, j] * P[w0, j]) + H[x1, j] * P[w1, j]) + P[b, j]
                    s = one if z > zero else below
                    a = z * s
                    A[ai, j] = a
                    S[ai, j] = s
                    Zo[r, j] += a * P[v, j]
            elif act == SIGMOID:
                for j in range(L):
                    z = ((zero + H[x0, j] * P[w0, j]) + H[x1, j] * P[w1, j]) + P[b, j]
                    a = one / (_exp32(-z) + one)
                    A[ai, j] = a
                    S[ai, j] = (one - a) * a
                    Zo[r, j] += a * P[v, j]
            elif act == TANH:
                for j in range(L):
                    z = ((zero + H[x0, j] * P[w0, j]) + H[x1, j] * P[w1, j]) + P[b, j]
                    a = _tanh32(z)
                    A[ai, j] = a
                    S[ai, j] = one - a * a
                    Zo[r, j] += a * P[v, j]
            else:
                for j in range(L):
                    a = ((zero + H[x0, j] * P[w0, j]) + H[x1, j] * P[w1, j]) + P[b, j]
                    A[ai, j] = a
                    S[ai, j] = one
                    Zo[r, j] += a * P[v, j]
        if loss == MSE:
            for j in range(L):
                z = Zo[r, j] + P[b2, j]
                Zo[r, j] = z
                q = one / (_exp32(-z) + one)
                dz[r, j] = ((q - y[r, j]) * ((two * q) * (one - q))) * w[r, j]
        else:
            for j in range(L):
                z = Zo[r, j] + P[b2, j]
                Zo[r, j] = z
                q = one / (_exp32(-z) + one)
                dz[r, j] = (q - y[r, j]) * w[r, j]
    for i in range(b2 + 1):
        for j in range(L):
            G[i, j] = zero
    r = 0
    while r + 4 <= rows:  # four rows per pass: their terms added one after the other
        for o in range(h):
            k0, k1, kb, v, a0 = o, h + o, 2 * h + o, 3 * h + o, r * h + o
            a1, a2, a3, x = a0 + h, a0 + 2 * h, a0 + 3 * h, r * W
            for j in range(L):
                d0, d1, d2, d3, pv = dz[r, j], dz[r + 1, j], dz[r + 2, j], dz[r + 3, j], P[v, j]
                G[v, j] = (((G[v, j] + A[a0, j] * d0) + A[a1, j] * d1) + A[a2, j] * d2) \
                    + A[a3, j] * d3
                e0, e1 = (d0 * pv) * S[a0, j], (d1 * pv) * S[a1, j]
                e2, e3 = (d2 * pv) * S[a2, j], (d3 * pv) * S[a3, j]
                G[k0, j] = (((G[k0, j] + H[x, j] * e0) + H[x + W, j] * e1)
                            + H[x + 2 * W, j] * e2) + H[x + 3 * W, j] * e3
                G[k1, j] = (((G[k1, j] + H[x + 1, j] * e0) + H[x + W + 1, j] * e1)
                            + H[x + 2 * W + 1, j] * e2) + H[x + 3 * W + 1, j] * e3
                G[kb, j] = (((G[kb, j] + e0) + e1) + e2) + e3
        for j in range(L):
            G[b2, j] = (((G[b2, j] + dz[r, j]) + dz[r + 1, j]) + dz[r + 2, j]) + dz[r + 3, j]
        r += 4
    while r < rows:
        x0, x1 = r * W, r * W + 1
        for o in range(h):
            k0, k1, kb, v, ai = o, h + o, 2 * h + o, 3 * h + o, r * h + o
            for j in range(L):
                d = dz[r, j]
                G[v, j] += A[ai, j] * d
                dZ = (d * P[v, j]) * S[ai, j]
                G[k0, j] += H[x0, j] * dZ
                G[k1, j] += H[x1, j] * dZ
                G[kb, j] += dZ
        for j in range(L):
            G[b2, j] += dz[r, j]
        r += 1


@_jit()
def update(P, G, Mo, V, opt, lr, mom, alpha, c):
    """One Keras 3 update of every parameter (row of P) of every network (column); c holds
    (1 - beta_1, 1 - beta_2, rho, 1 - rho, epsilon) in float32; alpha (LANES,) is Adam's
    lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)."""
    L = P.shape[1]
    keep_1, keep_2, rho, keep_rho, eps = c[0], c[1], c[2], c[3], c[4]
    n = P.shape[0]
    if opt == SGD:
        for i in range(n):
            for j in range(L):
                P[i, j] -= G[i, j] * lr[j]
    elif opt == MOMENTUM:
        for i in range(n):
            for j in range(L):
                m = Mo[i, j] * mom[j] - G[i, j] * lr[j]
                Mo[i, j] = m
                P[i, j] += m
    elif opt == RMSPROP:
        for i in range(n):
            for j in range(L):
                g = G[i, j]
                v = V[i, j] * rho + (g * g) * keep_rho
                V[i, j] = v
                P[i, j] -= (g * lr[j]) / np.sqrt(v + eps)
    else:
        for i in range(n):
            for j in range(L):
                g = G[i, j]
                m = Mo[i, j] + (g - Mo[i, j]) * keep_1
                v = V[i, j] + (g * g - V[i, j]) * keep_2
                Mo[i, j] = m
                V[i, j] = v
                P[i, j] -= (m * alpha[j]) / (np.sqrt(v) + eps)


@_jit()
def _count_dead(S, sizes, R, W, dead):
    """dead[j] = hidden units of network j whose slope is 0 on all four points."""
    L = S.shape[1]
    for j in range(L):
        dead[j] = 0
    for layer in range(len(sizes) - 2):
        for o in range(sizes[layer + 1]):
            for j in range(L):
                off = True
                for r in range(4):
                    if S[(layer * R + r) * W + o, j] != 0:
                        off = False
                dead[j] += off


@_jit()
def _record(logits, n0, k, H, z0, W):
    """logits[n0 + j, k] = network j's logits on the four XOR points, rows z0 + r * W of H
    (written where the result wants them, network first: no copy afterwards)."""
    L = H.shape[1]
    for r in range(4):
        for j in range(L):
            logits[n0 + j, k, r] = H[z0 + r * W, j]


@_jit()
def _work(sizes, rows, L):
    """Work arrays of ``forward_rows`` and ``gradient`` for ``rows`` rows of a block: H, S, the
    widest layer W (at least the 2 inputs) and the row of H where the logits start."""
    depth = len(sizes) - 2
    W = 2
    for s in sizes[1:-1]:
        W = max(W, s)
    H = np.zeros(((depth + 2) * rows * W, L), np.float32)
    S = np.zeros((depth * rows * W, L), np.float32)
    return H, S, W, (depth + 1) * rows * W


@_jit()
def _points(X4, H, W):
    """The four XOR points X4 (4, 2) into the input rows of H (rows r * W + k)."""
    L = H.shape[1]
    for r in range(4):
        for k in range(2):
            for j in range(L):
                H[r * W + k, j] = X4[r, k]


@_jit(nogil=True)
def evaluate(P, sizes, offs, act, leaky, X4, logits, k, dead):
    """Run the networks of the blocks P (blocks, n_params, LANES) on the four XOR points
    X4 (4, 2): logits[block * LANES + j, k] = network j's logits (k >= 0), dead[block, j] =
    network j's hidden ReLUs off on all four points (act 0 only)."""
    L = P.shape[2]
    H, S, W, z0 = _work(sizes, 4, L)
    _points(X4, H, W)
    for blk in range(P.shape[0]):
        forward_rows(P[blk], sizes, offs, act, leaky, H, S, 4, 4, W)
        if k >= 0:
            _record(logits, blk * L, k, H, z0, W)
        if act == RELU:
            _count_dead(S, sizes, 4, W, dead[blk])


@_jit(nogil=True)
def train_steps(P, Mo, V, sizes, offs, codes, lr, mom, c, alphas, data, y, wfull, inverse,
                seeds, X4, logits, order, order_epoch, a, b):
    """Steps a, a + 1, ..., b - 1 of the blocks of networks of one group, in place, block
    after block.

    P (blocks, n_params, LANES) float32: per layer the kernel row by row, then the bias;
    Mo, V: the optimizer's moments, same shape; lr, mom, seeds (blocks, LANES); codes:
    (act, loss, opt, feed, batch_size, per_epoch, num_steps, record_every, truth, first);
    steps count from the call's start, which is step ``first`` of the networks' training (it
    fixes the minibatch position; alphas[s] is Adam's factor of step s, its last entry that
    of all later steps); data (D, 2), y (D,), wfull (D,): the rows and full-batch weights;
    inverse (n,): each training row's index in data; X4 (4, 2): the XOR points; logits
    (blocks * LANES, records, 4), network first, is filled at the recorded steps; order
    (blocks, n, LANES) holds the minibatch order of epoch order_epoch[block] (-1: none
    yet), kept from call to call: the rows in that order, or with few distinct rows (FEW)
    their distinct rows."""
    L = P.shape[2]
    act, loss, opt, feed, batch_size, per_epoch, num_steps, every, truth, first = codes
    n = len(inverse)
    R = max(4, len(data) if feed != GATHER else batch_size)
    H4, S4, W4, z4 = _work(sizes, 4, L)  # for the logits on the four points
    _points(X4, H4, W4)
    shallow, h = len(sizes) == 3, sizes[1]  # one hidden layer: ``shallow_step``
    if shallow:  # H holds the inputs only (W = 2 per row), A1, S1 and Zo the layers
        H, S, W, z0 = np.zeros((2 * R, L), np.float32), np.zeros((0, L), np.float32), 2, 0
        dZ, dA = np.zeros((0, L), np.float32), np.zeros((0, L), np.float32)
    else:
        H, S, W, z0 = _work(sizes, R, L)
        dZ, dA = np.zeros((W * R, L), np.float32), np.zeros((R * W, L), np.float32)
    A1 = np.zeros((R * h if shallow else 0, L), np.float32)
    S1 = np.zeros_like(A1)
    Zo = np.zeros((R if shallow else 0, L), np.float32)
    dz = np.zeros((R, L), np.float32)
    G = np.zeros_like(P[0])
    alpha = np.zeros(L, np.float32)
    yb = np.zeros((R, L), np.float32)
    wb = np.zeros((R, L), np.float32)
    leaky = c[5]
    keys, bstart, fill, rows_j = _order_work(n)
    lane_rows = np.empty((ORDER_GROUP, n if feed != FULL else 0), np.int64)
    if feed != GATHER:
        for r in range(len(data)):
            for j in range(L):
                H[r * W, j] = data[r, 0]
                H[r * W + 1, j] = data[r, 1]
                yb[r, j] = y[r]
                wb[r, j] = wfull[r]
    for blk in range(P.shape[0]):
        Pb, Mb, Vb, lrb, ob, n0 = P[blk], Mo[blk], V[blk], lr[blk], order[blk], blk * L
        momb = mom[blk]
        size = len(data)
        for step in range(a, b):
            if feed != FULL:
                epoch, pos = divmod(first + step, per_epoch)
                if epoch != order_epoch[blk]:
                    order_epoch[blk] = epoch
                    _new_orders(ob, seeds[blk], epoch, feed == FEW, inverse, keys, bstart,
                                fill, rows_j, lane_rows)
                start = pos * batch_size
                stop = min(start + batch_size, n)
                if feed == FEW:
                    _few_weights(wb, size, ob, start, stop)
                else:
                    size = stop - start
                    weight = np.float32(1.0 / size)
                    for i in range(size):
                        for j in range(L):
                            row = ob[start + i, j]
                            H[i * W, j] = data[row, 0]
                            H[i * W + 1, j] = data[row, 1]
                            yb[i, j] = y[row]
                            wb[i, j] = weight
            if shallow:
                shallow_step(Pb, G, h, act, leaky, loss, H, W, yb, wb, size, A1, S1, Zo, dz)
                if truth and step % every == 0:
                    _record(logits, n0, step // every, Zo, 0, 1)
            else:
                deep_step(Pb, G, sizes, offs, act, leaky, loss, yb, wb, size, R, W, H, S, dz,
                          dZ, dA)
                if truth and step % every == 0:
                    _record(logits, n0, step // every, H, z0, W)
            factor = alphas[min(step, len(alphas) - 1)]
            for j in range(L):
                alpha[j] = lrb[j] * factor
            update(Pb, G, Mb, Vb, opt, lrb, momb, alpha, c)
            if not truth and step % every == 0:
                forward_rows(Pb, sizes, offs, act, leaky, H4, S4, 4, 4, W4)
                _record(logits, n0, step // every, H4, z4, W4)


ORDER_GROUP = 16  # lanes whose orders are sorted, then written into the block together


@_jit()
def _new_orders(ob, seeds, epoch, few, inverse, keys, bstart, fill, rows_j, lane_rows):
    """ob[:, j] = network j's order of the rows in ``epoch`` (its distinct rows when
    ``few``), for every lane j. Lanes go ORDER_GROUP at a time: each one's order is sorted
    into a row of lane_rows, then the group is written into ob place by place, a short
    contiguous run per place instead of one lane's column at a stride of the block width."""
    L, n = ob.shape[1], ob.shape[0]
    for j0 in range(0, L, ORDER_GROUP):
        g = min(ORDER_GROUP, L - j0)
        for q in range(g):
            j = j0 + q
            if j and seeds[j] == seeds[j - 1]:  # the same network: the same order
                for i in range(n):
                    lane_rows[q, i] = lane_rows[q - 1, i] if q else ob[i, j - 1]
                continue
            _epoch_order_into(seeds[j], epoch, n, keys, bstart, fill, rows_j)
            if few:  # the distinct row of each place in the order
                for i in range(n):
                    lane_rows[q, i] = inverse[rows_j[i]]
            else:
                for i in range(n):
                    lane_rows[q, i] = rows_j[i]
        for i in range(n):
            for q in range(g):
                ob[i, j0 + q] = lane_rows[q, i]


@_jit()
def _few_weights(wb, size, ids, start, stop):
    """A minibatch as weights over the few distinct rows: wb[r, j] = the share of network
    j's batch (places start to stop of its order, ids[i, j] the distinct row at place i)
    that is distinct row r."""
    L = wb.shape[1]
    one, zero = np.float32(1.0), np.float32(0.0)
    share = np.float64(np.float32(stop - start))
    for r in range(size):
        for j in range(L):
            wb[r, j] = zero
        for i in range(start, stop):
            for j in range(L):
                wb[r, j] += one if ids[i, j] == r else zero
        for j in range(L):
            wb[r, j] = np.float32(wb[r, j] / share)
