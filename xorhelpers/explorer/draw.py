"""The explorer's figures, drawn once and then updated in place (notebook 07).

``NetFigure`` shows one network: its decision boundary over the input plane with the data,
the loss curve, every hidden unit's output over the plane as a small map (dead units
crossed out) and the hidden space of a 2-unit layer. ``SeedFigure`` shows many seeds: the
histogram of final losses with the known plateaus marked. Both create their axes and artists
once; ``update`` only changes data (set_data, set_offsets, set_height), which keeps a redraw
cheap, and ``png`` renders the figure for an ipywidgets Image (see ``blit``: only the panels
whose layout changed are rendered again). They draw what ``compute`` returns: which hidden
layer to show, its dividing line, the dead units and the plateaus are chosen there.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from .blit import Blitted
from .compute import GRID, NetRun, SeedRun

BLUE, RED = "#1f77b4", "#d62728"  # class 0, class 1 (as xorhelpers.plots)
SIZE = (12.5, 3.9)  # inches of the one-network figure (900 x 281 pixels in the view)
SMALL = 9  # points (pixels in the view): tick labels, legends
PLATEAU_STYLES = (":", "--", "-.")  # one per plateau, in the order of NetRun.plateaus
GAP = 6  # pixels between unit maps
LOSS_FLOOR = 1e-4
LOSS_TICKS = (1e-4, 1e-3, 1e-2, 0.1, 1.0)


class NetFigure(Blitted):
    """The one-network figure; ``update(net_run)`` redraws it for a ``NetRun``."""

    def __init__(self, fig: Figure | None = None, dpi: float = 72):
        f = self._start(fig, SIZE, dpi)
        self.ax_map = f.add_axes((0.058, 0.25, 0.167, 0.64))
        self.cax_map = f.add_axes((0.229, 0.25, 0.006, 0.64))
        self.ax_loss = f.add_axes((0.305, 0.25, 0.19, 0.64))
        self.ax_units = f.add_axes((0.55, 0.25, 0.185, 0.64))
        self.cax_units = f.add_axes((0.739, 0.25, 0.006, 0.64))
        self.ax_hidden = f.add_axes((0.81, 0.25, 0.175, 0.64))
        # four bands of columns, cut in the gaps between the panels' tick labels
        self._panel((self.ax_map, self.cax_map), 0.0, 0.257)
        self._panel((self.ax_loss,), 0.257, 0.524)
        self._panel((self.ax_units, self.cax_units), 0.524, 0.781)
        self._panel((self.ax_hidden,), 0.781, 1.0)

        a = self.ax_map
        self.im_map = a.imshow(np.full((GRID, GRID), 0.5), origin="lower", cmap="RdBu_r",
                               vmin=0, vmax=1, extent=(-0.5, 1.5, -0.5, 1.5), aspect="auto",
                               interpolation="bilinear")
        self.points = a.scatter([], [], s=36, edgecolors="k", linewidths=0.6, zorder=3)
        self.map_note = a.text(0.5, 0.5, "", transform=a.transAxes, ha="center",
                               va="center", fontsize=14, color="k", weight="bold")
        a.set_xlabel("x1")
        a.set_ylabel("x2", labelpad=0)
        self.title_map = _title(a, "output over the input plane")
        bar = f.colorbar(self.im_map, cax=self.cax_map, ticks=[0, 0.5, 1])
        bar.ax.tick_params(labelsize=SMALL, length=2, pad=1)
        # one caption for the markers of both point panels
        marks = [Line2D([], [], ls="", marker="o", ms=9, mfc=BLUE, mec="k", mew=0.6,
                        label="target 0 (drawn larger, so that a 1 on top of a 0 shows)"),
                 Line2D([], [], ls="", marker="o", ms=5.5, mfc=RED, mec="k", mew=0.6,
                        label="target 1")]
        self._fix(f.legend(handles=marks, loc="lower left", bbox_to_anchor=(0.005, 0.0),
                           ncol=2, fontsize=SMALL + 1, frameon=False, handletextpad=0.2,
                           columnspacing=1.2))

        a = self.ax_loss
        a.set_yscale("log")
        a.set_ylim(LOSS_FLOOR, 1.5)
        # fixed ticks with plain labels: log axes otherwise typeset every label as mathtext
        a.yaxis.set_major_locator(FixedLocator(LOSS_TICKS))
        a.yaxis.set_major_formatter(FixedFormatter([f"{t:g}" for t in LOSS_TICKS]))
        a.yaxis.set_minor_locator(NullLocator())
        (self.curve,) = a.plot([], [], c="k", lw=1.5, label="loss on the 4 points")
        (self.train_curve,) = a.plot([], [], "o-", c="C2", ms=3, lw=1.2, label="train (cloud)")
        (self.test_curve,) = a.plot([], [], "s--", c="C1", ms=3, lw=1.2, label="test (cloud)")
        self.plateau_lines = [a.axhline(1, ls=style, c="gray", lw=1.2)
                              for style in PLATEAU_STYLES]
        self.loss_note = a.text(0.5, 0.5, "", transform=a.transAxes, ha="center", va="center",
                                fontsize=13, color=RED, weight="bold")
        a.set_xlabel("step")
        self.title_loss = _title(a, "loss")
        self.legend, self._legend_key = None, None

        a = self.ax_units
        cmap = _cmap("viridis")
        self.im_units = a.imshow(np.zeros((GRID, GRID)), cmap=cmap, vmin=0, vmax=1,
                                 interpolation="nearest", aspect="auto")
        self.dead_marks = a.scatter([], [], marker="x", s=60, c=RED, linewidths=2, zorder=3)
        a.tick_params(labelsize=SMALL, length=0, pad=2)
        a.set_xlabel("each tile: a unit over the plane\n(x1 to the right, x2 up)",
                     fontsize=SMALL + 1, labelpad=2)
        self.title_units = _title(a, "hidden units (x: dead)")
        bar = f.colorbar(self.im_units, cax=self.cax_units, ticks=[0, 1])
        bar.ax.set_yticklabels(["min", "max"])  # each unit from its own min to its max
        bar.ax.tick_params(labelsize=SMALL, length=2, pad=1)

        a = self.ax_hidden
        self.codes = a.scatter([], [], s=36, edgecolors="k", linewidths=0.6, zorder=3)
        (self.split_line,) = a.plot([], [], c="k", lw=1, ls="--")
        self.hidden_note = a.text(0.5, 0.5, "", transform=a.transAxes, ha="center",
                                  va="center", fontsize=9, color="gray", wrap=True)
        self.title_hidden = _title(a, "hidden space")
        a.set_xticks([])
        a.set_yticks([])
        a.set_xlabel("unit 1")
        a.set_ylabel("unit 2")
        self._animate(self.im_map, self.points, self.map_note, self.title_map, self.curve,
                      self.train_curve, self.test_curve, self.loss_note, self.title_loss,
                      self.im_units, self.dead_marks, self.title_units, self.codes,
                      self.split_line, self.hidden_note, self.title_hidden)
        self._stamp(self.title_map, self.title_loss, self.title_units, self.title_hidden)

    def update(self, r: NetRun) -> NetFigure:
        """Show ``r``; returns self. Everything drawn comes from ``r`` as computed."""
        if not isinstance(r, NetRun):
            raise TypeError(f"r must be a NetRun, got {type(r).__name__}")
        depth, width = len(r.hidden_maps), max(H.shape[2] for H in r.hidden_maps)
        cloud = r.checkpoint_steps is not None
        # what the static parts of each panel depend on (see Blitted)
        self._key = (r.extent, (r.state.num_steps, r.state.loss, cloud), (depth, width), ())
        self._set_legend(cloud, r.state.loss, r.plateaus)
        self._show_map(r)
        self._show_loss(r, cloud)
        self._show_units(r, depth, width)
        self._show_hidden(r)
        return self

    def _show_map(self, r: NetRun) -> None:
        """The output over the input plane, with the data points."""
        diverged = r.diverged
        lo, hi = r.extent
        self.im_map.set_data(np.where(diverged, np.nan, r.grid_output))
        self.im_map.set_extent((lo, hi, lo, hi))
        self.ax_map.set_xlim(lo, hi)
        self.ax_map.set_ylim(lo, hi)
        order = _zeros_first(r.shown_y)
        y = r.shown_y[order]
        self.points.set_offsets(r.shown_x[order])
        self.points.set_facecolor(np.where(y[:, None] > 0.5, _rgba(RED), _rgba(BLUE)))
        self.points.set_sizes(_sizes(y, len(y) <= 8))
        self.map_note.set_text("DIVERGED" if diverged else "")
        self.title_map.set_text(f"output, step {r.step}")

    def _show_loss(self, r: NetRun, cloud: bool) -> None:
        """The loss curves, the plateaus and the loss in the title."""
        state, diverged = r.state, r.diverged
        a = self.ax_loss
        a.set_xlim(0, max(state.num_steps, 1))
        if diverged:
            for line in (self.curve, self.train_curve, self.test_curve):
                line.set_data([], [])
            self.loss_note.set_text("DIVERGED\n(NaN or inf)\nno curve")
        else:
            self.loss_note.set_text("")
            self.curve.set_data(r.curve_steps, np.maximum(r.curve_loss, LOSS_FLOOR))
            if cloud:
                self.train_curve.set_data(r.checkpoint_steps,
                                          np.maximum(r.train_loss, LOSS_FLOOR))
                self.test_curve.set_data(r.checkpoint_steps,
                                         np.maximum(r.test_loss, LOSS_FLOOR))
            else:
                self.train_curve.set_data([], [])
                self.test_curve.set_data([], [])
        for line, value in zip(self.plateau_lines, r.plateaus.values(), strict=True):
            line.set_ydata([value, value])
        name = "BCE" if state.loss != "mse" else "MSE"
        if diverged:
            self.title_loss.set_text("loss")
        elif cloud:  # the loss on the data the figure is about, the cloud's training points
            self.title_loss.set_text(f"{name} loss on the cloud, {r.train_loss[-1]:.3g}")
        else:
            self.title_loss.set_text(f"{name} loss on the 4 points, {r.loss:.3g}")

    def _show_units(self, r: NetRun, depth: int, width: int) -> None:
        """Every hidden unit's output over the plane, one tile per unit, a row per layer."""
        cell = GRID + GAP
        mosaic = np.full((depth * cell - GAP, width * cell - GAP), np.nan)
        centres = []
        for k, (H, dead) in enumerate(zip(r.hidden_maps, r.dead, strict=True)):
            for u in range(H.shape[2]):
                tile = H[::-1, :, u]  # rows from top = high x2, as the boundary map
                finite = tile[np.isfinite(tile)]
                lo_u, hi_u = (finite.min(), finite.max()) if len(finite) else (0.0, 0.0)
                scaled = (tile - lo_u) / (hi_u - lo_u) if hi_u > lo_u else np.zeros_like(tile)
                mosaic[k * cell:k * cell + GRID, u * cell:u * cell + GRID] = scaled
                if dead[u]:
                    centres.append((u * cell + GRID / 2, k * cell + GRID / 2))
        self.im_units.set_data(mosaic)
        self.im_units.set_extent((0, mosaic.shape[1], mosaic.shape[0], 0))
        self.ax_units.set_xlim(0, mosaic.shape[1])
        self.ax_units.set_ylim(mosaic.shape[0], 0)
        self.dead_marks.set_offsets(np.array(centres) if centres else np.empty((0, 2)))
        self.ax_units.set_yticks([k * cell + GRID / 2 for k in range(depth)],
                                 [f"L{k + 1}" for k in range(depth)])
        every = 1 if width <= 8 else 4  # unit numbers under the columns
        self.ax_units.set_xticks([u * cell + GRID / 2 for u in range(0, width, every)],
                                 [f"u{u + 1}" for u in range(0, width, every)])
        self.title_units.set_text(f"hidden units, {r.n_dead} dead (x)")

    def _show_hidden(self, r: NetRun) -> None:
        """The hidden space compute chose (``r.hidden_layer``), with the output's dividing
        line when that layer feeds the output."""
        if r.hidden_layer is not None:
            H, k = r.hidden_xy, r.hidden_layer
            order = _zeros_first(r.shown_y)
            y = r.shown_y[order]
            self.codes.set_offsets(H[order])
            self.codes.set_facecolor(np.where(y[:, None] > 0.5, _rgba(RED), _rgba(BLUE)))
            self.codes.set_sizes(_sizes(y, len(H) <= 8))
            x0, x1 = _limits(H[:, 0])
            y0, y1 = _limits(H[:, 1])
            self.ax_hidden.set_xlim(x0, x1)
            self.ax_hidden.set_ylim(y0, y1)
            if r.boundary is not None:  # the output's line w1 h1 + w2 h2 + b = 0
                w1, w2, c = r.boundary
                xs = np.array([x0, x1])
                if abs(w2) > 1e-12:
                    self.split_line.set_data(xs, -(w1 * xs + c) / w2)
                elif abs(w1) > 1e-12:
                    self.split_line.set_data([-c / w1] * 2, [y0, y1])
                else:
                    self.split_line.set_data([], [])
            else:
                self.split_line.set_data([], [])
            self.hidden_note.set_text("")
            self.title_hidden.set_text(f"hidden space of layer {k + 1}" if r.hidden_units == 2
                                       else f"layer {k + 1}, units 1 and 2 of {r.hidden_units}")
        else:
            self.codes.set_offsets(np.empty((0, 2)))
            self.split_line.set_data([], [])
            self.hidden_note.set_text("diverged" if r.diverged else
                                      "no hidden layer has\n2 units or more")
            self.title_hidden.set_text("hidden space")

    def _set_legend(self, cloud: bool, loss: str, plateaus: dict[str, float]) -> None:
        """The loss panel's legend: the cloud's curves only on the cloud, and the plateaus
        of this loss by name (lowest first, as the dotted lines stand)."""
        if self._legend_key == (cloud, loss):
            return
        if self.legend is not None:
            self.legend.remove()
        for line, (name, value) in zip(self.plateau_lines, plateaus.items(), strict=True):
            line.set_label(f"plateau {name} = {value:.3g}")
        handles = [self.curve, *((self.train_curve, self.test_curve) if cloud else ()),
                   *self.plateau_lines]
        self.legend = self.ax_loss.legend(handles=handles, loc="lower left", fontsize=SMALL,
                                          frameon=True, framealpha=0.85, edgecolor="none",
                                          borderaxespad=0.2, labelspacing=0.25)
        self._legend_key = (cloud, loss)


class SeedFigure(Blitted):
    """The many-seed figure; ``update(seed_run)`` redraws it for a ``SeedRun``."""

    BINS = 40

    def __init__(self, fig: Figure | None = None, dpi: float = 72):
        self._start(fig, (7.5, 3.0), dpi)
        self.ax = self.fig.add_axes((0.09, 0.17, 0.88, 0.7))
        self._panel((self.ax,), 0.0, 1.0)
        a = self.ax
        self.bars = a.bar(np.arange(self.BINS), np.zeros(self.BINS), width=1, align="edge",
                          color="C0", edgecolor="white", linewidth=0.5)
        self.plateau_lines = [a.axvline(0, ls=":", c=RED, lw=1.2) for _ in range(3)]
        self.plateau_text = [a.text(0, 1.0, "", transform=a.get_xaxis_transform(),
                                    ha="center", va="bottom", fontsize=SMALL, color=RED)
                             for _ in range(3)]
        self.note = a.text(0.98, 0.9, "", transform=a.transAxes, ha="right", va="top",
                           fontsize=SMALL + 1)
        a.set_xlabel("final loss on the 4 XOR points")
        a.set_ylabel("share of seeds")
        self.title = _title(a, "", y=1.07)
        self._animate(*self.bars, self.title, self.note)
        self._stamp(self.title)

    def update(self, r: SeedRun) -> SeedFigure:
        """Show ``r``; returns self."""
        if not isinstance(r, SeedRun):
            raise TypeError(f"r must be a SeedRun, got {type(r).__name__}")
        plateaus = r.plateaus
        top = 1.1 * max(plateaus.values())
        edges = np.linspace(0, top, self.BINS + 1)
        finite = r.final_loss[np.isfinite(r.final_loss)]
        counts, _ = np.histogram(np.clip(finite, 0, top), bins=edges)
        share = counts / r.n
        for bar, x, h in zip(self.bars, edges[:-1], share, strict=True):
            bar.set_x(x)
            bar.set_width(edges[1] - edges[0])
            bar.set_height(h)
        ceiling = next(c for c in (0.1, 0.25, 0.5, 1.0) if share.max() <= c)
        self._key = ((r.state.loss, ceiling),)
        self.ax.set_xlim(0, top)
        self.ax.set_ylim(0, ceiling)
        for line, text, (name, value) in zip(self.plateau_lines, self.plateau_text,
                                             plateaus.items(), strict=True):
            line.set_xdata([value, value])
            text.set_x(value)
            text.set_text(name)
        p, lo, hi = r.rate
        self.title.set_text(f"{r.solved} of {r.n} seeds solve: {100 * p:.0f}% "
                            f"(95% CI {100 * lo:.0f}-{100 * hi:.0f}%)")
        self.note.set_text(f"{r.n_diverged} diverged (not shown)" if r.n_diverged else "")
        return self


def _title(ax, text: str, y: float = 1.03):
    """A title as a plain text artist (Axes.set_title re-positions itself on every draw)."""
    return ax.text(0.5, y, text, transform=ax.transAxes, ha="center", va="bottom",
                   fontsize=10)


def _sizes(y: np.ndarray, few: bool) -> np.ndarray:
    """Marker sizes: class 0 drawn larger than class 1, so that a 1 on top of a 0 (two points
    sharing a code) shows as a red dot inside a blue disc."""
    return np.where(y > 0.5, 28, 80) if few else np.where(y > 0.5, 8, 16)


def _zeros_first(y: np.ndarray) -> np.ndarray:
    """The order that draws the (larger) class-0 markers first, so that a class-1 marker on
    the same spot is drawn on top of them, never hidden under one."""
    return np.argsort(y > 0.5, kind="stable")


def _limits(v: np.ndarray) -> tuple[float, float]:
    v = v[np.isfinite(v)]
    if not len(v):
        return -1.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    pad = max(0.1 * (hi - lo), 0.1)
    return lo - pad, hi + pad


def _rgba(color: str) -> np.ndarray:
    from matplotlib.colors import to_rgba

    return np.array(to_rgba(color))[None, :]


def _cmap(name: str):
    import matplotlib

    return matplotlib.colormaps[name].with_extremes(bad="white")
