"""A matplotlib figure redrawn in place, fast enough for a widget (notebook 07's explorer).

``Blitted`` figures keep the static parts of each panel (axes, ticks, labels) rendered once
per layout and draw only what changes over them; texts that did not change are pasted; and
``encode`` writes the pixels as PNG twice as fast as PIL for these flat figures. ``png`` is the
plain way: a whole figure through savefig.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def png(fig: Figure, dpi: float | None = None) -> bytes:
    """The figure rendered as PNG bytes (no timestamp, so equal figures give equal bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def encode(rgb: np.ndarray, compress_level: int = 1) -> bytes:
    """An (height, width, 3) uint8 image as PNG bytes: rows unfiltered, deflated at
    ``compress_level`` (1: fast, and on these flat figures within a few percent of the
    smallest). Twice as fast as PIL's encoder, whose row filters these figures do not need."""
    rgb = np.asarray(rgb)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"rgb must be a (height, width, 3) uint8 array, got {rgb.dtype} "
                         f"{rgb.shape}")
    h, w, _ = rgb.shape
    rows = np.zeros((h, 1 + 3 * w), np.uint8)  # each row: filter type 0, then its pixels
    rows[:, 1:] = rgb.reshape(h, 3 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level)) + chunk(b"IEND", b""))


BACKGROUNDS = 12  # static backgrounds kept per panel
STAMPS = 64  # pixels of texts kept (see Blitted._stamp)


class Blitted:
    """A figure whose static parts (axes, ticks, labels) are rendered once and kept as a
    background; ``render()`` pastes the background and draws only the changing artists.

    The figure is cut into panels, each a band of columns owning some axes (``_panel``).
    A panel's static parts follow its entry of ``_key`` (its axis ranges, layout): a key seen
    before reuses its background (the BACKGROUNDS most recent are kept per panel), a new one
    re-renders that panel alone (the other axes hidden), so that changing, say, the number of
    steps re-renders the loss panel and not the three others."""

    fig: Figure
    _animated: list
    _key: tuple = ()

    def _start(self, fig: Figure | None, size: tuple[float, float], dpi: float) -> Figure:
        self.fig = fig if fig is not None else Figure(figsize=size, dpi=dpi)
        if not isinstance(self.fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self.fig)
        self._animated = []
        self._panels: list[tuple[tuple, float, float]] = []
        self._backgrounds: dict[tuple, np.ndarray] = {}  # (panel, key): pixels, recent last
        self._stamped: set = set()
        self._stamps: dict[tuple, np.ndarray] = {}  # (text, its place, _key): its pixels
        self._fixed: dict = {}  # artist: its pixels (None until first drawn)
        return self.fig

    def _panel(self, axes, left: float, right: float) -> None:
        """Panel number len(_panels): ``axes`` and the columns from ``left`` to ``right``
        (figure fractions) that they, their ticks and labels stay within."""
        self._panels.append((tuple(axes), left, right))

    def _stamp(self, *texts) -> None:
        """Changing texts that lie on the static background alone (titles above their axes,
        nothing else drawn over them): drawing a text costs about 2 ms, pasting its pixels
        when it has not changed almost nothing."""
        self._stamped.update(texts)

    def _fix(self, *artists) -> None:
        """Artists that never change and stand alone on the figure's plain background (a
        caption under the panels): drawn once, then pasted over every panel's background,
        instead of being drawn again in every background rendered."""
        self._fixed.update({a: None for a in artists})

    def _animate(self, *artists):
        for a in artists:
            a.set_animated(True)
            self._animated.append(a)
        return artists[0] if len(artists) == 1 else artists

    def png(self, compress_level: int = 1) -> bytes:
        """The figure as PNG bytes, redrawing only what changes since the last call."""
        return encode(self.render(), compress_level)

    def render(self) -> np.ndarray:
        """The figure as (height, width, 3) uint8 pixels: each panel's static background kept
        for its key (rendered on first use) with the changing artists drawn over it."""
        canvas = self.fig.canvas
        width = int(round(self.fig.bbox.width))
        cols = [slice(int(round(lo * width)), int(round(hi * width)))
                for _, lo, hi in self._panels]
        keys = [(i, k) for i, k in enumerate(self._key)]
        missing = [i for i, key in enumerate(keys) if key not in self._backgrounds]
        if missing:
            hidden = [] if len(missing) == len(keys) else [
                a for i, (axes, _, _) in enumerate(self._panels) if i not in missing
                for a in axes if a.get_visible()]
            # the changing artists never go into a background: matplotlib 3.8 (the oldest this
            # package allows) drew an animated image in a full draw all the same, and a later
            # NaN or hidden image then showed the old one through
            hidden += [a for a in self._animated if a.get_visible()]
            hidden += [a for a in self._fixed if a.get_visible()]
            for a in hidden:
                a.set_visible(False)
            try:
                canvas.draw()  # animated artists are left out of a full draw
            finally:
                for a in hidden:
                    a.set_visible(True)
            pixels = np.asarray(canvas.buffer_rgba())
            for i in missing:
                self._backgrounds[keys[i]] = pixels[:, cols[i]].copy()
        pixels = np.asarray(canvas.buffer_rgba())
        for key, col in zip(keys, cols, strict=True):
            pixels[:, col] = self._backgrounds[key]
            self._backgrounds[key] = self._backgrounds.pop(key)  # the most recent last
        for i in range(len(keys)):
            stale = [k for k in self._backgrounds if k[0] == i][:-BACKGROUNDS]
            for k in stale:
                del self._backgrounds[k]
        renderer = canvas.get_renderer()
        for artist, block in self._fixed.items():
            if artist.get_visible():
                self._fixed[artist] = self._paste(artist, block, pixels, renderer)
        for artist in self._animated:
            if not artist.get_visible():
                continue
            if artist in self._stamped and artist.get_text():
                self._draw_stamp(artist, pixels, renderer)
            else:
                self.fig.draw_artist(artist)
        return pixels[:, :, :3].copy()

    def _paste(self, artist, block, pixels: np.ndarray, renderer):
        """Paste ``block``, the pixels of a ``_fix`` artist with their place, or draw the
        artist (over the plain background) when there is none yet; returns the block."""
        if block is not None:
            (r0, r1, x0, x1), kept = block
            pixels[r0:r1, x0:x1] = kept
            return block
        height, width = pixels.shape[:2]
        box = artist.get_window_extent(renderer)
        x0, x1 = max(int(box.x0) - 2, 0), min(int(np.ceil(box.x1)) + 2, width)
        r0, r1 = max(height - int(np.ceil(box.y1)) - 2, 0), min(height - int(box.y0) + 2, height)
        self.fig.draw_artist(artist)
        return (r0, r1, x0, x1), pixels[r0:r1, x0:x1].copy()

    def _draw_stamp(self, text, pixels: np.ndarray, renderer) -> None:
        """Draw a ``_stamp`` text: its pixels pasted when this text at this place was drawn
        before on the same backgrounds, else drawn and kept."""
        height, width = pixels.shape[:2]
        box = text.get_window_extent(renderer)
        x0, x1 = max(int(box.x0) - 2, 0), min(int(np.ceil(box.x1)) + 2, width)
        r0, r1 = max(height - int(np.ceil(box.y1)) - 2, 0), min(height - int(box.y0) + 2, height)
        key = (id(text), text.get_text(), x0, x1, r0, r1, self._key)
        block = self._stamps.pop(key, None)
        if block is None:
            self.fig.draw_artist(text)
            block = pixels[r0:r1, x0:x1].copy()
        else:
            pixels[r0:r1, x0:x1] = block
        self._stamps[key] = block
        while len(self._stamps) > STAMPS:
            self._stamps.pop(next(iter(self._stamps)))

    def figure(self) -> Figure:
        """The figure with every artist drawn (for display outside the widget view)."""
        for artist in self._animated:
            artist.set_animated(False)
        return self.fig
