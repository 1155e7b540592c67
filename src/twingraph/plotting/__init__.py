"""One figure style for every twingraph figure: palettes, panel letters, reproducible files.

* Colours: the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), safe for the common
  colour-vision deficiencies, for categories; viridis / cividis for ordered values.
* :func:`panel_letters` puts bold **a**, **b**, ... at the top-left corner of each axes.
* :func:`save_figure` writes a 300-dpi PNG and a vector PDF whose bytes depend only on the figure:
  no creation date, no software version (PDF ``CreationDate=None``, fixed ``Producer``; PNG
  ``Software=None``; SVG ``svg.hashsalt`` fixed), so two runs give byte-identical files.

Matplotlib is imported lazily (importing twingraph does not pull it in).

References
----------
Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make figures and presentations
that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["OKABE_ITO", "ACCENT", "NEUTRAL", "style", "panel_letters", "save_figure", "category_colors",
           "FIGURE_DPI"]

#: Okabe-Ito colours in their published order (black first); use :data:`ACCENT` for "the focus".
OKABE_ITO: dict[str, str] = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
#: the focal series (e.g. the observed value) and the comparison (e.g. null replicates)
ACCENT = OKABE_ITO["vermillion"]
NEUTRAL = OKABE_ITO["blue"]
FIGURE_DPI = 300
_CATEGORY_ORDER = ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "yellow", "black")
_PRODUCER = "twingraph (matplotlib)"


def category_colors(n: int) -> list[str]:
    """``n`` colour-blind-safe category colours (Okabe-Ito; more than 8 cycle through tab20 shades).

    Parameters
    ----------
    n : int
        Number of categories.

    Returns
    -------
    list of str
        Hex colours.

    Examples
    --------
    >>> category_colors(2)
    ['#0072B2', '#E69F00']
    """
    base = [OKABE_ITO[k] for k in _CATEGORY_ORDER]
    if n <= len(base):
        return base[:n]
    import matplotlib

    extra = [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab20"].colors]  # type: ignore[attr-defined]
    return (base + extra * (n // len(extra) + 1))[:n]


def style() -> None:
    """Set the shared rcParams: sans-serif 8-9 pt text, no top/right spines, light grid off, PDF
    fonts embedded as Type 42 (editable text), fixed SVG hash salt."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "font.size": 8.5, "axes.titlesize": 9, "axes.labelsize": 8.5, "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5, "legend.fontsize": 7.5, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False, "axes.titlelocation": "left",
        "pdf.fonttype": 42, "svg.hashsalt": "twingraph", "savefig.dpi": FIGURE_DPI,
        "axes.prop_cycle": cycler(color=category_colors(8)), "image.cmap": "viridis",
    })


def panel_letters(axes: Iterable[Axes] | Axes, letters: Sequence[str] | None = None, size: float = 11) -> None:
    """Bold lower-case panel letters (a, b, ...) just outside the top-left corner of each axes.

    Parameters
    ----------
    axes : Axes or iterable of Axes
        In reading order.
    letters : sequence of str, optional
        Defaults to ``"abcdefgh..."``.
    size : float
        Font size in points.
    """
    from matplotlib.axes import Axes as _Axes

    axs = [axes] if isinstance(axes, _Axes) else list(axes)
    letters = letters or [chr(ord("a") + i) for i in range(len(axs))]
    for ax, letter in zip(axs, letters):
        ax.text(-0.02, 1.02, letter, transform=ax.transAxes, fontsize=size, fontweight="bold",
                ha="right", va="bottom")


def save_figure(fig: Figure, name: str | Path, folder: str | Path | None = None,
                formats: Sequence[str] = ("png", "pdf")) -> list[Path]:
    """Write ``fig`` as a 300-dpi PNG and a vector PDF with fixed metadata, then close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str or Path
        File name; its suffix is replaced by each format's (``"degree.png"`` -> ``degree.png``,
        ``degree.pdf``).
    folder : str or Path, optional
        Directory to write into (``name``'s own directory by default).
    formats : sequence of str
        Any of ``"png"``, ``"pdf"``, ``"svg"``.

    Returns
    -------
    list of Path
        The files written, in ``formats`` order.

    Notes
    -----
    Byte-identical across runs: the PDF carries ``CreationDate=None`` and a fixed ``Producer``
    (no matplotlib version), the PNG ``Software=None``, the SVG a fixed ``svg.hashsalt`` and
    ``Date=None``.  Bounding box ``tight`` with 0.03 inch padding.

    Examples
    --------
    >>> import matplotlib.pyplot as plt, tempfile, hashlib
    >>> d = tempfile.mkdtemp()
    >>> def once():
    ...     fig, ax = plt.subplots(); ax.plot([0, 1])
    ...     return [hashlib.sha256(p.read_bytes()).hexdigest() for p in save_figure(fig, "x.png", d)]
    >>> once() == once()
    True
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    path = Path(name)
    if folder is not None:
        path = Path(folder) / path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    meta: dict[str, dict[str, Any]] = {
        "png": {"Software": None},
        "pdf": {"CreationDate": None, "Producer": _PRODUCER, "Creator": _PRODUCER},
        "svg": {"Date": None, "Creator": _PRODUCER},
    }
    out = []
    with mpl.rc_context({"svg.hashsalt": "twingraph", "pdf.fonttype": 42}):
        for fmt in formats:
            if fmt not in meta:
                raise ValueError(f"unknown format {fmt!r}; choose from {sorted(meta)}")
            p = path.with_suffix(f".{fmt}")
            fig.savefig(p, format=fmt, dpi=FIGURE_DPI, bbox_inches="tight", pad_inches=0.03, metadata=meta[fmt])
            out.append(p)
    plt.close(fig)
    return out
