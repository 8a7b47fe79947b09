"""The compiled loops of the fast engine (``fast_engine``), numba nopython code.

One call trains a chunk of networks of one group from start to end. The model axis is last
and every inner loop runs over it with independent iterations (elementwise float32
operations, in the NumPy engine's order: each sum starts from zero and adds its terms in the
same sequence), so the compiler may run several networks per vector instruction without
changing a single bit: a network's numbers never depend on its neighbours, on the chunk it
lands in or on the processor's vector width. No fast-math: no reassociation, no fused
multiply-add. exp and tanh are computed here from basic double-precision operations
(Cody-Waite reduction and a polynomial), not taken from a math library, so they too give the
same bits on every processor.
"""

from __future__ import annotations

import numba
import numpy as np

from .streams import mix64

FULL, FEW, GATHER = 0, 1, 2  # how a step's batch is given: all rows, row weights, rows
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
    the rows sorted by their hashed keys (all distinct), by a bottom-up merge sort."""
    keys = np.empty(n, np.uint64)
    base = np.uint64(epoch) << np.uint64(32)
    top = np.uint64(1) << np.uint64(63)
    for i in range(n):
        keys[i] = splitmix64(np.uint64(seed), (base + np.uint64(i)) | top)
    order = np.arange(n)
    spare = np.empty(n, np.int64)
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j = lo, mid
            for k in range(lo, hi):
                if j >= hi or (i < mid and keys[order[i]] < keys[order[j]]):
                    spare[k] = order[i]
                    i += 1
                else:
                    spare[k] = order[j]
                    j += 1
        order, spare = spare, order
        width *= 2
    return order


@_jit()
def _exp_double(t):
    """exp(t[2]) in double precision, as t[0] * t[1], for finite t[2] in [-745, 709]:
    reduction t = k ln2 + r, |r| <= ln2/2, a degree-11 Taylor polynomial in r (relative
    error < 1e-13) in t[0], and the exact power 2**k built from its bits in t[1]."""
    kbits = t[1].view(np.int64)
    for j in range(t.shape[1]):
        x = t[2, j]
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
        t[0, j] = p
        kbits[j] = (np.int64(k) + 1023) << 52


@_jit()
def exp_into(x, out, t):
    """out[j] = exp(x[j]) rounded to float32, for float32 x; t is (3, len(x)) float64
    scratch. The double-precision value is within 1e-13 (relative) of the exact one, so it
    rounds as the exact value would except within 1e-13 of a tie (no such input in the
    tests' quarter million)."""
    for j in range(len(x)):
        xc = np.float64(x[j])
        if not xc > -104.0:  # exp underflows to 0 in float32 (NaN: any value will do)
            xc = -104.0
        if xc > 89.0:  # overflows to inf
            xc = 89.0
        t[2, j] = xc
    _exp_double(t)
    for j in range(len(x)):
        v = np.float32(t[0, j] * t[1, j])
        out[j] = v if x[j] == x[j] else x[j]


@_jit()
def tanh_into(x, out, t):
    """out[j] = tanh(x[j]) rounded to float32, from e = exp(-2|x|) in double precision as
    (1 - e) / (1 + e); a series below 1e-4, where 1 - e would lose digits."""
    for j in range(len(x)):
        a = abs(np.float64(x[j]))
        t[2, j] = -2.0 * a if a < 30.0 else -60.0  # NaN too: replaced below
    _exp_double(t)
    for j in range(len(x)):
        xd = np.float64(x[j])
        a = abs(xd)
        e = t[0, j] * t[1, j]
        big = (1.0 - e) / (1.0 + e)
        a3 = a * a * a
        small = a - a3 / 3.0 + 2.0 * (a3 * a * a) / 15.0
        v = small if a < 1e-4 else big
        v = -v if xd < 0 else v
        out[j] = np.float32(v) if xd == xd else x[j]


@_jit()
def forward(P, sizes, offs, act, leaky, X, rows, H, S, z, e, t):
    """Logits z[:rows] of the chunk's networks (parameters P (n_params, mc)) on inputs
    X (rows, 2, mc); hidden activations in H[l + 1] and their slopes in S[l]."""
    one = np.float32(1.0)
    zero = np.float32(0.0)
    mc = P.shape[1]
    depth = len(sizes) - 2
    for r in range(rows):
        for k in range(2):
            h, x = H[0, r, k], X[r, k]
            for j in range(mc):
                h[j] = x[j]
    for layer in range(depth + 1):
        fan_in, off = sizes[layer], offs[layer]
        fan_out = sizes[layer + 1]
        for r in range(rows):
            for o in range(fan_out):
                Z = z[r] if layer == depth else H[layer + 1, r, o]
                for j in range(mc):
                    Z[j] = zero
                for k in range(fan_in):
                    h, w = H[layer, r, k], P[off + k * fan_out + o]
                    for j in range(mc):
                        Z[j] += h[j] * w[j]
                b = P[off + fan_in * fan_out + o]
                for j in range(mc):
                    Z[j] += b[j]
                if layer == depth:
                    continue
                s = S[layer, r, o]
                if act == 0:  # relu, relu'(0) = 0 as in Keras
                    for j in range(mc):
                        s[j] = one if Z[j] > zero else zero
                    for j in range(mc):
                        Z[j] *= s[j]
                elif act == 1:  # leaky relu
                    for j in range(mc):
                        s[j] = one if Z[j] > zero else leaky
                    for j in range(mc):
                        Z[j] *= s[j]
                elif act == 2:  # sigmoid
                    for j in range(mc):
                        e[j] = -Z[j]
                    exp_into(e, e, t)
                    for j in range(mc):
                        Z[j] = one / (e[j] + one)
                    for j in range(mc):
                        s[j] = (one - Z[j]) * Z[j]
                elif act == 3:  # tanh
                    tanh_into(Z, Z, t)
                    for j in range(mc):
                        s[j] = one - Z[j] * Z[j]
                else:  # linear
                    for j in range(mc):
                        s[j] = one


@_jit()
def _accumulate(g, H, layer, k, fan_in, d, rows):
    """g = sum over rows r of (input k of row r) * d[r], in row order from zero; input
    fan_in is the bias' constant 1."""
    zero = np.float32(0.0)
    for j in range(len(g)):
        g[j] = zero
    for r in range(rows):
        dr = d[r]
        if k < fan_in:
            h = H[layer, r, k]
            for j in range(len(g)):
                g[j] += h[j] * dr[j]
        else:
            for j in range(len(g)):
                g[j] += dr[j]


@_jit()
def gradient(P, G, sizes, offs, loss, y, w, rows, H, S, z, dz, dZ, dA, e, t):
    """The loss gradient into G (n_params, mc), after ``forward`` on ``rows`` rows with
    targets y (rows, mc) and per-row weights w (rows, mc) summing to 1."""
    one = np.float32(1.0)
    zero = np.float32(0.0)
    two = np.float32(2.0)
    mc = P.shape[1]
    depth = len(sizes) - 2
    for r in range(rows):
        zr, yr, wr, d = z[r], y[r], w[r], dz[r]
        for j in range(mc):
            e[j] = -zr[j]
        exp_into(e, e, t)
        for j in range(mc):
            q = one / (e[j] + one)
            d[j] = q - yr[j]
            if loss == 1:  # mse through the sigmoid
                d[j] *= (two * q) * (one - q)
        for j in range(mc):
            d[j] *= wr[j]
    fan_in, off = sizes[depth], offs[depth]
    for k in range(fan_in + 1):
        _accumulate(G[off + k], H, depth, k, fan_in, dz, rows)
    for r in range(rows):
        for k in range(fan_in):
            a, d, p = dA[r, k], dz[r], P[off + k]
            for j in range(mc):
                a[j] = d[j] * p[j]
    for layer in range(depth - 1, -1, -1):
        fan_in, fan_out, off = sizes[layer], sizes[layer + 1], offs[layer]
        for r in range(rows):
            for o in range(fan_out):
                d, a, s = dZ[o, r], dA[r, o], S[layer, r, o]
                for j in range(mc):
                    d[j] = a[j] * s[j]
        for k in range(fan_in + 1):
            for o in range(fan_out):
                _accumulate(G[off + k * fan_out + o], H, layer, k, fan_in, dZ[o], rows)
        if layer:
            for r in range(rows):
                for k in range(fan_in):
                    a = dA[r, k]
                    for j in range(mc):
                        a[j] = zero
                    for o in range(fan_out):
                        d, p = dZ[o, r], P[off + k * fan_out + o]
                        for j in range(mc):
                            a[j] += d[j] * p[j]


@_jit()
def update(P, G, Mo, V, opt, lr, mom, alpha, c):
    """One Keras 3 update of every parameter (row of P) of every network (column); c holds
    (1 - beta_1, 1 - beta_2, rho, 1 - rho, epsilon) in float32; alpha (mc,) is Adam's
    lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)."""
    mc = P.shape[1]
    keep_1, keep_2, rho, keep_rho, eps = c[0], c[1], c[2], c[3], c[4]
    for i in range(P.shape[0]):
        p, g, m, v = P[i], G[i], Mo[i], V[i]
        if opt == 0:  # sgd
            for j in range(mc):
                p[j] -= g[j] * lr[j]
        elif opt == 1:  # momentum
            for j in range(mc):
                m[j] = m[j] * mom[j] - g[j] * lr[j]
            for j in range(mc):
                p[j] += m[j]
        elif opt == 2:  # rmsprop
            for j in range(mc):
                v[j] = v[j] * rho + (g[j] * g[j]) * keep_rho
            for j in range(mc):
                p[j] -= (g[j] * lr[j]) / np.sqrt(v[j] + eps)
        else:  # adam
            for j in range(mc):
                m[j] += (g[j] - m[j]) * keep_1
                v[j] += (g[j] * g[j] - v[j]) * keep_2
            for j in range(mc):
                p[j] -= (m[j] * alpha[j]) / (np.sqrt(v[j]) + eps)


@_jit()
def count_dead(S, sizes, dead):
    """dead[j] = hidden units of network j whose slope is 0 on all four points."""
    for j in range(len(dead)):
        dead[j] = 0
    for layer in range(len(sizes) - 2):
        for o in range(sizes[layer + 1]):
            for j in range(len(dead)):
                off = True
                for r in range(4):
                    if S[layer, r, o, j] != 0:
                        off = False
                dead[j] += off


@_jit()
def _record(logits, k, z):
    """logits[k] = z[:4]: the logits on the four XOR points."""
    for r in range(4):
        for j in range(z.shape[1]):
            logits[k, r, j] = z[r, j]


@_jit()
def _scratch(sizes, rows, mc):
    """Work arrays of ``forward`` and ``gradient`` for ``rows`` rows of mc networks."""
    depth = len(sizes) - 2
    width = 2
    for s in sizes[1:-1]:
        width = max(width, s)
    H = np.zeros((depth + 1, rows, width, mc), np.float32)
    S = np.zeros((depth, rows, width, mc), np.float32)
    z = np.zeros((rows, mc), np.float32)
    return H, S, z, np.zeros(mc, np.float32), np.zeros((3, mc), np.float64)


@_jit(nogil=True)
def evaluate(P, sizes, offs, act, leaky, X4, logits, k, dead):
    """Run the chunk's networks on the four XOR points X4 (4, 2): logits[k] = their logits
    (k >= 0), dead[j] = network j's hidden ReLUs off on all four points (act 0 only)."""
    mc = P.shape[1]
    H, S, z, e, t = _scratch(sizes, 4, mc)
    X4b = np.zeros((4, 2, mc), np.float32)
    for r in range(4):
        for k2 in range(2):
            for j in range(mc):
                X4b[r, k2, j] = X4[r, k2]
    forward(P, sizes, offs, act, leaky, X4b, 4, H, S, z, e, t)
    if k >= 0:
        _record(logits, k, z)
    if act == 0:
        count_dead(S, sizes, dead)


@_jit(nogil=True)
def train_steps(P, Mo, V, sizes, offs, codes, lr, mom, c, alphas, data, y, wfull, inverse,
                seeds, X4, logits, order, order_epoch, a, b):
    """Steps a, a + 1, ..., b - 1 of a chunk of mc networks of one group, in place.

    P (n_params, mc) float32: per layer the kernel row by row, then the bias; Mo, V: the
    optimizer's moments, same shape; codes: (act, loss, opt, feed, batch_size, per_epoch,
    num_steps, record_every, truth, first); steps count from the call's start, which is
    step ``first`` of the networks' training (it fixes the minibatch position; alphas[s] is
    Adam's factor of step s, its last entry that of all later steps); data (R, 2), y (R,),
    wfull (R,): the rows and full-batch weights; inverse (n,): each training row's index in
    data; X4 (4, 2): the XOR points; logits (records, 4, mc) is filled at the recorded
    steps; order (mc, n) holds the minibatch order of epoch order_epoch[0] (-1: none yet),
    kept from call to call."""
    act, loss, opt, feed, batch_size, per_epoch, num_steps, every, truth, first = codes
    mc = P.shape[1]
    n = len(inverse)
    rows = max(4, len(data) if feed != GATHER else batch_size)
    H, S, z, e, t = _scratch(sizes, rows, mc)
    width = H.shape[2]
    dZ = np.zeros((width, rows, mc), np.float32)  # per unit, so that dZ[o] is contiguous
    dA = np.zeros((rows, width, mc), np.float32)
    dz = np.zeros((rows, mc), np.float32)
    G = np.zeros_like(P)
    alpha = np.zeros(mc, np.float32)
    Xb = np.zeros((rows, 2, mc), np.float32)
    yb = np.zeros((rows, mc), np.float32)
    wb = np.zeros((rows, mc), np.float32)
    X4b = np.zeros((4, 2, mc), np.float32)
    for j in range(mc):
        for r in range(4):
            for k in range(2):
                X4b[r, k, j] = X4[r, k]
        if feed != GATHER:
            for r in range(len(data)):
                for k in range(2):
                    Xb[r, k, j] = data[r, k]
                yb[r, j] = y[r]
                wb[r, j] = wfull[r]
    leaky = c[5]
    size = len(data)
    for step in range(a, b):
        if feed != FULL:
            epoch, pos = divmod(first + step, per_epoch)
            if epoch != order_epoch[0]:
                order_epoch[0] = epoch
                for j in range(mc):
                    rows_j = epoch_order(seeds[j], epoch, n)
                    for i in range(n):
                        order[j, i] = rows_j[i]
            start = pos * batch_size
            stop = min(start + batch_size, n)
            if feed == FEW:
                for r in range(size):
                    for j in range(mc):
                        wb[r, j] = 0
                for j in range(mc):
                    for i in range(start, stop):
                        wb[inverse[order[j, i]], j] += 1
                share = np.float64(np.float32(stop - start))
                for r in range(size):
                    for j in range(mc):
                        wb[r, j] = np.float32(wb[r, j] / share)
            else:
                size = stop - start
                weight = np.float32(1.0 / size)
                for i in range(size):
                    for j in range(mc):
                        row = order[j, start + i]
                        Xb[i, 0, j] = data[row, 0]
                        Xb[i, 1, j] = data[row, 1]
                        yb[i, j] = y[row]
                        wb[i, j] = weight
        forward(P, sizes, offs, act, leaky, Xb, size, H, S, z, e, t)
        if truth and step % every == 0:
            _record(logits, step // every, z)
        gradient(P, G, sizes, offs, loss, yb, wb, size, H, S, z, dz, dZ, dA, e, t)
        for j in range(mc):
            alpha[j] = lr[j] * alphas[min(step, len(alphas) - 1)]
        update(P, G, Mo, V, opt, lr, mom, alpha, c)
        if not truth and step % every == 0:
            forward(P, sizes, offs, act, leaky, X4b, len(X4b), H, S, z, e, t)
            _record(logits, step // every, z)
