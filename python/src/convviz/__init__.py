"""convviz in Jupyter: a PyTorch-exact convolution visualizer as a widget.

>>> import convviz, torch.nn as nn, torch
>>> conv = nn.Conv2d(1, 1, 3, stride=2)
>>> w = convviz.show(conv, torch.ones(1, 1, 5, 5))   # the last line of a cell displays it

The widget is an anywidget (https://anywidget.dev): the page's modules run in the notebook's own
browser tab, computing the layer in WebAssembly as the standalone page does. Its traits sync both
ways: ``w.state`` (the page's link text), ``w.step`` (the timeline's cell), ``w.selected`` (the output
cell under the pointer) and ``w.output`` (the output the browser computed, a NumPy array).
"""

from __future__ import annotations

import sys
from importlib import resources

import anywidget
import numpy as np
import traitlets
from ipywidgets.widgets.trait_types import bytes_serialization

from ._state import LAYER_TYPES, Layer, read_arguments, read_module, to_link

__all__ = ["Widget", "show", "state_of"]
__version__ = "0.1.0"

_STATIC = resources.files("convviz") / "static"
#: Options of the view, not of the layer.
VIEW_OPTIONS = ("controls", "views", "step")


class Widget(anywidget.AnyWidget):
    """The visualizer in a notebook cell (make one with :func:`show`)."""

    _esm = _STATIC / "widget.js"
    # the wasm engine: anywidget serves no files (its issue #921), so its bytes come as a trait
    _wasm = traitlets.Bytes(b"").tag(sync=True)
    #: The page's state as link text (what its address shows after '#'); settable.
    state = traitlets.Unicode("").tag(sync=True)
    #: The timeline's cell, 0-based (channel by channel, row-major); settable.
    step = traitlets.Int(0).tag(sync=True)
    #: The output cell under the learner's pointer, as an index into the output without its batch
    #: axis (``[co, oh, ow]``; ``[row, column]`` for Unfold), ``[]`` when there is none.
    selected = traitlets.List(traitlets.Int(), default_value=[]).tag(sync=True)
    #: ``'full'`` (the page's sidebar and tools), ``'compact'`` (the arguments only) or ``'none'``.
    controls = traitlets.Unicode("full").tag(sync=True)
    #: The cards to show, comma-separated (docs/embed.md lists them); ``''``: every card.
    views = traitlets.Unicode("").tag(sync=True)
    _output = traitlets.Bytes(b"").tag(sync=True, **bytes_serialization)
    _output_shape = traitlets.List(traitlets.Int(), default_value=[]).tag(sync=True)
    # which of the mode's outputs w.output is (1: Fold's fold(unfold(x)))
    _output_index = traitlets.Int(0).tag(sync=True)
    # the input had no batch axis: w.output has none either (as layer(x) would)
    _unbatched = traitlets.Bool(False)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("_wasm", (_STATIC / "convviz_bg.wasm").read_bytes())
        super().__init__(**kwargs)

    @traitlets.validate("controls")
    def _check_controls(self, proposal):
        if proposal["value"] not in ("full", "compact", "none"):
            raise traitlets.TraitError(f"controls: expected 'full', 'compact' or 'none', got {proposal['value']!r}")
        return proposal["value"]

    @property
    def output(self) -> np.ndarray | None:
        """The output tensor the browser computed (float32), or None before the first picture."""
        if not self._output_shape:
            return None
        out = np.frombuffer(bytes(self._output), dtype="<f4").reshape(self._output_shape).copy()
        return out[0] if self._unbatched else out


def state_of(layer, x=None, **kwargs) -> dict:
    """What :func:`show` would give the widget: ``{'state', '_output_index', '_unbatched'}``.

    Raises ``ValueError`` naming the argument for a layer or an ``x`` PyTorch or the page refuses.
    """
    if isinstance(layer, str):
        read = read_arguments(layer, kwargs)
    else:
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(layer, torch.nn.Module):
            extra = [k for k in kwargs if not (k == "output_size" and type(layer).__name__ == "ConvTranspose2d")]
            if extra:
                raise ValueError(f"{extra[0]}: keyword arguments come with a mode name, not a module (the module has its own)")
            read = read_module(layer)
            if "output_size" in kwargs:
                read = read_arguments("conv_transpose2d", {**read.params, "weight": read.weight,
                                                            "bias": read.bias if read.bias is not None else False,
                                                            "output_size": kwargs["output_size"]})
        else:
            name = f"{type(layer).__module__}.{type(layer).__name__}"
            raise ValueError(f"layer: expected {LAYER_TYPES} (or a mode name: 'conv2d', 'conv_transpose2d', "
                             f"'unfold', 'fold'), got {name}")
    link, unbatched = to_link(read, x)
    return {"state": link, "_output_index": 1 if read.kind == "Fold" else 0, "_unbatched": unbatched}


def show(layer, x=None, **view) -> Widget:
    """Show ``layer`` on ``x`` in the notebook and return the widget.

    ``layer``: an ``nn.Conv2d``, ``nn.ConvTranspose2d``, ``nn.Unfold`` or ``nn.Fold`` (its
    hyperparameters, weight and bias are read), or a mode name (``'conv2d'``, ``'conv_transpose2d'``,
    ``'unfold'``, ``'fold'``) with PyTorch's keyword arguments (``weight=`` and ``bias=`` may be
    arrays; without ``weight=`` the page's seeded small integers are used). ``x``: a tensor or a
    NumPy array of one sample (``[1, C, H, W]`` or ``[C, H, W]``); None is the lecture's ones. For
    ``nn.Fold``, ``x`` is the image the page unfolds and folds back (``w.output`` is Fold's output).
    View options: ``controls='full'|'compact'|'none'``, ``views='input,output'``, ``step=0``.
    """
    options = {k: view.pop(k) for k in VIEW_OPTIONS if k in view}
    traits = state_of(layer, x, **view)
    return Widget(**traits, **options)
