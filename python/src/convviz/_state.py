"""Reading a layer and an input into the page's state link (``www/lib/state.js``).

The page's link names each argument as PyTorch does (``in_channels=3&kernel_size=3&stride=2``), says
how the tensors are filled (``input=ones``) and writes every other cell as an edit
(``set_input=0.1.2:7.5``, the shortest float32 text). This module builds that text from an
``nn.Conv2d``, ``nn.ConvTranspose2d``, ``nn.Unfold`` or ``nn.Fold`` (or a mode name and PyTorch's
keyword arguments) and a tensor or NumPy array, checking on the way what PyTorch and the page would
refuse, with a ``ValueError`` that names the argument.

NumPy is the only requirement: a torch module or tensor is read through its attributes and
``.detach().cpu().numpy()``, so torch is never imported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import numpy as np

#: The page's hard limits (``www/lib/params.js``: TABLE's min and max; tests compare the two).
LIMITS = {
    "in_channels": (1, 8),
    "out_channels": (1, 8),
    "height": (1, 64),
    "width": (1, 64),
    "kernel_size": (1, 15),
    "stride": (1, 8),
    "padding": (0, 56),
    "output_padding": (0, 7),
    "output_size": (1, 1024),
    "dilation": (1, 8),
    "groups": (1, 8),
}
#: The longest link the page reads, and the most edited cells of one tensor (``www/lib/state.js``).
MAX_LINK_CHARS = 100_000
MAX_EDITS = 4096
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")

#: Mode names accepted by ``show`` -> (the page's mode, the layer's class name).
MODES = {
    "conv2d": ("conv2d", "Conv2d"),
    "convtranspose2d": ("convTranspose2d", "ConvTranspose2d"),
    "conv_transpose2d": ("convTranspose2d", "ConvTranspose2d"),
    "unfold": ("unfold", "Unfold"),
    "fold": ("unfold", "Fold"),
}
#: Each layer's keyword arguments (PyTorch's), and those it cannot do without.
ARGUMENTS = {
    "Conv2d": (
        ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
         "bias", "padding_mode", "weight"),
        ("in_channels", "out_channels", "kernel_size"),
    ),
    "ConvTranspose2d": (
        ("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
         "groups", "bias", "dilation", "padding_mode", "weight", "output_size"),
        ("in_channels", "out_channels", "kernel_size"),
    ),
    "Unfold": (("kernel_size", "dilation", "padding", "stride"), ("kernel_size",)),
    "Fold": (("output_size", "kernel_size", "dilation", "padding", "stride"), ("output_size", "kernel_size")),
}
LAYER_TYPES = "nn.Conv2d, nn.ConvTranspose2d, nn.Unfold or nn.Fold"
#: The lecture's input when ``x`` is None: ``torch.ones(1, C, 5, 5)``.
DEFAULT_SIDE = 5


@dataclass
class Layer:
    """A layer read from a module or from keyword arguments: what the link needs."""

    kind: str  # 'Conv2d' | 'ConvTranspose2d' | 'Unfold' | 'Fold'
    params: dict = field(default_factory=dict)
    weight: np.ndarray | None = None  # None: the page's default fill
    bias: np.ndarray | None = None

    @property
    def mode(self) -> str:
        return MODES[self.kind.lower()][0]


def _pair(name: str, value) -> tuple[int, int]:
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}: expected an int or a tuple of 2 ints, got {value!r}")
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    try:
        items = tuple(value)
    except TypeError:
        raise ValueError(f"{name}: expected an int or a tuple of 2 ints, got {value!r}") from None
    if len(items) == 1:
        items = items * 2
    if len(items) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
        raise ValueError(f"{name}: expected an int or a tuple of 2 ints, got {value!r}")
    return (int(items[0]), int(items[1]))


def _int(name: str, value) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}: expected an int, got {value!r}")
    return int(value)


def _array(name: str, value) -> np.ndarray:
    """A tensor (any device, with or without grad) or an array-like as a float32 NumPy array."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value)
    except Exception as e:  # noqa: BLE001 - anything NumPy cannot read
        raise ValueError(f"{name}: expected a tensor or a NumPy array, got {type(value).__name__}") from e
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"{name}: expected a tensor or a NumPy array of numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise ValueError(f"{name}: complex values are not supported (got dtype {arr.dtype})")
    out = arr.astype(np.float32)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name}: every value must be finite in float32 (found inf or nan)")
    return out


def _check_limit(name: str, values) -> None:
    lo, hi = LIMITS[name]
    for v in values if isinstance(values, tuple) else (values,):
        if v < lo:
            raise ValueError(f"{name}: must be at least {lo} (got {v})")
        if v > hi:
            raise ValueError(f"{name}: this visualizer draws at most {hi} (got {v})")


def _size(v) -> list[int]:
    return list(v)


def read_module(layer) -> Layer:
    """Read an ``nn.Conv2d``, ``nn.ConvTranspose2d``, ``nn.Unfold`` or ``nn.Fold``."""
    kind = type(layer).__name__
    module = type(layer).__module__ or ""
    if kind not in ARGUMENTS or not module.startswith("torch.nn"):
        raise ValueError(
            f"layer: expected {LAYER_TYPES} (or a mode name: 'conv2d', 'conv_transpose2d', 'unfold', "
            f"'fold'), got {module + '.' if module else ''}{kind}"
        )
    if kind in ("Conv2d", "ConvTranspose2d"):
        params = {
            "in_channels": layer.in_channels,
            "out_channels": layer.out_channels,
            "kernel_size": layer.kernel_size,
            "stride": layer.stride,
            "padding": layer.padding,
            "dilation": layer.dilation,
            "groups": layer.groups,
            "padding_mode": layer.padding_mode,
        }
        if kind == "ConvTranspose2d":
            params["output_padding"] = layer.output_padding
        bias = None if layer.bias is None else _array("bias", layer.bias)
        params["bias"] = bias is not None
        return _checked(Layer(kind, params, _array("weight", layer.weight), bias))
    params = {"kernel_size": layer.kernel_size, "dilation": layer.dilation, "padding": layer.padding, "stride": layer.stride}
    if kind == "Fold":
        params["output_size"] = layer.output_size
    return _checked(Layer(kind, params))


def read_arguments(name: str, kwargs: dict) -> Layer:
    """Read a mode name and PyTorch's keyword arguments (``weight=`` and ``bias=`` may be arrays)."""
    key = str(name).lower().replace("nn.", "").replace("f.", "")
    if key not in MODES:
        raise ValueError(f"layer: unknown mode {name!r}: expected one of {', '.join(repr(k) for k in MODES)} or {LAYER_TYPES}")
    kind = MODES[key][1]
    allowed, required = ARGUMENTS[kind]
    for k in kwargs:
        if k not in allowed:
            raise ValueError(f"{k}: {kind}.__init__() got an unexpected keyword argument '{k}'")
    params = {k: v for k, v in kwargs.items() if k not in ("weight", "bias")}
    weight = bias = None
    if kwargs.get("weight") is not None:
        weight = _array("weight", kwargs["weight"])
        if weight.ndim != 4:
            raise ValueError(f"weight: expected a 4-D weight [out, in/groups, kh, kw], got shape {list(weight.shape)}")
        groups = _int("groups", params.get("groups", 1))
        a, b, kh, kw = weight.shape
        inferred = (
            {"in_channels": b * groups, "out_channels": a, "kernel_size": (kh, kw)}
            if kind == "Conv2d"
            else {"in_channels": a, "out_channels": b * groups, "kernel_size": (kh, kw)}
        )
        for k, v in inferred.items():
            if k not in params:
                params[k] = v
            elif (_pair(k, params[k]) if k == "kernel_size" else params[k]) != v:
                raise ValueError(f"{k}: {params[k]!r} does not match the weight's shape {list(weight.shape)} ({k}={v!r})")
    if "bias" in kwargs:
        b = kwargs["bias"]
        if isinstance(b, (bool, np.bool_)):
            params["bias"] = bool(b)
        elif b is None:
            params["bias"] = False
        else:
            if kind not in ("Conv2d", "ConvTranspose2d"):
                raise ValueError(f"bias: {kind} has no bias")
            bias = _array("bias", b)
            params["bias"] = True
    missing = [k for k in required if k not in params]
    if missing:
        names = " and ".join(f"'{m}'" for m in missing)
        raise ValueError(
            f"{missing[0]}: {kind}.__init__() missing {len(missing)} required positional argument"
            f"{'s' if len(missing) > 1 else ''}: {names}"
        )
    if kind in ("Conv2d", "ConvTranspose2d"):
        params.setdefault("stride", 1)
        params.setdefault("padding", 0)
        params.setdefault("dilation", 1)
        params.setdefault("groups", 1)
        params.setdefault("bias", True)
        params.setdefault("padding_mode", "zeros")
        if kind == "ConvTranspose2d":
            params.setdefault("output_padding", 0)
    else:
        params.setdefault("stride", 1)
        params.setdefault("padding", 0)
        params.setdefault("dilation", 1)
    return _checked(Layer(kind, params, weight, bias))


def _checked(layer: Layer) -> Layer:
    """Normalise the arguments (ints -> pairs) and check them as PyTorch and the page do."""
    p = layer.params
    out = {}
    for k in ("in_channels", "out_channels", "groups"):
        if k in p:
            out[k] = _int(k, p[k])
            _check_limit(k, out[k])
    for k in ("kernel_size", "stride", "dilation", "output_padding"):
        if k in p:
            out[k] = _pair(k, p[k])
            _check_limit(k, out[k])
    if "padding" in p:
        pad = p["padding"]
        if isinstance(pad, str):
            if pad not in ("same", "valid"):
                raise ValueError(f"padding: Invalid padding string '{pad}', should be one of {{'valid', 'same'}}")
            if layer.kind != "Conv2d":
                raise ValueError(f"padding: {layer.kind} takes an int or a tuple of 2 ints, not '{pad}'")
            out["padding"] = pad
        else:
            out["padding"] = _pair("padding", pad)
            _check_limit("padding", out["padding"])
    if p.get("output_size") is not None:
        size = p["output_size"]
        size = tuple(size)[-2:] if not isinstance(size, (int, np.integer)) and len(tuple(size)) == 4 else size
        out["output_size"] = _pair("output_size", size)
        _check_limit("output_size", out["output_size"])
    if "bias" in p:
        out["bias"] = bool(p["bias"])
    if "padding_mode" in p:
        if p["padding_mode"] not in PADDING_MODES:
            raise ValueError(
                f"padding_mode: padding_mode must be one of {', '.join(repr(m) for m in PADDING_MODES)}, "
                f"but got padding_mode='{p['padding_mode']}'"
            )
        if layer.kind == "ConvTranspose2d" and p["padding_mode"] != "zeros":
            raise ValueError('padding_mode: Only "zeros" padding mode is supported for ConvTranspose2d')
        out["padding_mode"] = p["padding_mode"]
    if "groups" in out:
        g = out["groups"]
        if out["in_channels"] % g:
            raise ValueError("groups: in_channels must be divisible by groups")
        if out["out_channels"] % g:
            raise ValueError("groups: out_channels must be divisible by groups")
    if layer.weight is not None:
        if layer.kind == "Conv2d":
            want = [out["out_channels"], out["in_channels"] // out["groups"], *out["kernel_size"]]
        else:
            want = [out["in_channels"], out["out_channels"] // out["groups"], *out["kernel_size"]]
        if list(layer.weight.shape) != want:
            raise ValueError(f"weight: expected shape {want}, got {list(layer.weight.shape)}")
    if layer.bias is not None and list(layer.bias.shape) != [out["out_channels"]]:
        raise ValueError(f"bias: expected shape [{out['out_channels']}], got {list(layer.bias.shape)}")
    layer.params = out
    return layer


def read_input(layer: Layer, x) -> tuple[np.ndarray | str, bool]:
    """The input as a [1, C, H, W] float32 array (or the lecture's 'ones'), and whether it was unbatched."""
    p = layer.params
    if x is None:
        c = p.get("in_channels", 3 if layer.kind == "Unfold" else 1)
        h, w = p["output_size"] if layer.kind == "Fold" else (DEFAULT_SIDE, DEFAULT_SIDE)
        return np.ones((1, c, h, w), np.float32), False
    arr = _array("x", x)
    op = {"Conv2d": "conv2d", "ConvTranspose2d": "conv_transpose2d"}.get(layer.kind)
    if op and arr.ndim not in (3, 4):
        raise ValueError(
            f"x: Expected 3D (unbatched) or 4D (batched) input to {op}, but got input of size: {list(arr.shape)}"
        )
    if not op and arr.ndim not in (3, 4):
        raise ValueError(f"x: Input Error: Only 3D or 4D input Tensors are supported (got {arr.ndim}D)")
    unbatched = arr.ndim == 3
    if unbatched:
        arr = arr[None]
    if arr.shape[0] != 1:
        raise ValueError(f"x: convviz shows one sample: expected a batch of 1, got input of size {list(arr.shape)}")
    c = arr.shape[1]
    if layer.kind == "Conv2d" and c != p["in_channels"]:
        weight = [p["out_channels"], p["in_channels"] // p["groups"], *p["kernel_size"]]
        raise ValueError(
            f"x: Given groups={p['groups']}, weight of size {weight}, expected input{list(arr.shape)} to have "
            f"{p['in_channels']} channels, but got {c} channels instead"
        )
    if layer.kind == "ConvTranspose2d" and c != p["in_channels"]:
        weight = [p["in_channels"], p["out_channels"] // p["groups"], *p["kernel_size"]]
        raise ValueError(
            f"x: Given transposed=1, weight of size {weight}, expected input{list(arr.shape)} to have "
            f"{p['in_channels']} channels, but got {c} channels instead"
        )
    if layer.kind == "Fold" and tuple(arr.shape[2:]) != tuple(p["output_size"]):
        raise ValueError(
            f"x: convviz shows nn.Fold on unfold(x): x is the image of output_size {tuple(p['output_size'])}, "
            f"got input of size {list(arr.shape)}"
        )
    _check_limit("in_channels", c)
    _check_limit("height", arr.shape[2])
    _check_limit("width", arr.shape[3])
    return arr, unbatched


def f32_text(v: float) -> str:
    """The shortest text that reads back as the float32 ``v`` (``www/lib/format.js`` f32Text)."""
    s = str(np.float32(v))
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def _edits(name: str, arr: np.ndarray, base: float, drop_batch: bool) -> str:
    """The cells of ``arr`` that differ from ``base``, as the link writes them ('0.1.2:7.5;…')."""
    idx = np.argwhere(arr != np.float32(base))
    if len(idx) > MAX_EDITS:
        raise ValueError(
            f"{name}: {len(idx)} cells differ from {f32_text(base)}; a convviz link carries at most "
            f"{MAX_EDITS} edited cells per tensor (use a smaller tensor, or more cells equal to 0 or 1)"
        )
    items = []
    for i in idx:
        key = i[1:] if drop_batch else i
        items.append(".".join(str(int(k)) for k in key) + ":" + f32_text(arr[tuple(i)]))
    return ";".join(items)


def _base(arr: np.ndarray) -> tuple[str, float]:
    """The fill ('zeros' or 'ones') that leaves fewer cells to edit."""
    ones = int(np.count_nonzero(arr != 1))
    zeros = int(np.count_nonzero(arr != 0))
    return ("ones", 1.0) if ones < zeros else ("zeros", 0.0)


def _value(v) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, tuple):
        return str(v[0]) if v[0] == v[1] else f"{v[0]},{v[1]}"
    return str(v)


def to_link(layer: Layer, x) -> tuple[str, bool]:
    """The page's link text for ``layer`` on ``x``, and whether ``x`` was unbatched."""
    arr, unbatched = read_input(layer, x)
    p = dict(layer.params)
    p["in_channels"] = arr.shape[1]
    p["height"], p["width"] = arr.shape[2], arr.shape[3]
    if layer.kind == "ConvTranspose2d" and "output_size" in p:
        pass  # forward's output_size: the page takes it as a parameter of the mode
    elif layer.kind == "Fold":
        p.pop("output_size", None)  # the image's own size
    q: list[tuple[str, str]] = []
    if layer.mode != "conv2d":
        q.append(("mode", layer.mode))
    order = ["in_channels", "out_channels", "height", "width", "kernel_size", "stride", "padding",
             "output_padding", "output_size", "dilation", "groups", "bias", "padding_mode"]
    for k in order:
        if k in p:
            q.append((k, _value(p[k])))
    fill, base = _base(arr)
    q.append(("input", fill))
    edits = {"input": _edits("x", arr, base, drop_batch=True)}
    if layer.weight is not None:
        wfill, wbase = _base(layer.weight)
        q.append(("weight", wfill))
        edits["weight"] = _edits("weight", layer.weight, wbase, drop_batch=False)
        if layer.bias is not None:
            edits["bias"] = _edits("bias", layer.bias, 0.0, drop_batch=False)  # both fills' bias is 0
    for k in ("input", "weight", "bias"):
        if edits.get(k):
            q.append((f"set_{k}", edits[k]))
    link = "&".join(f"{k}={quote(v, safe=',.:;~-')}" for k, v in q)
    if len(link) > MAX_LINK_CHARS:
        raise ValueError(
            f"x: the state's link would be {len(link)} characters; convviz reads at most {MAX_LINK_CHARS} "
            "(use smaller tensors, or more cells equal to 0 or 1)"
        )
    return link, unbatched
