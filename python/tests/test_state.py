"""Reading layers and arrays into the page's state link (convviz._state), and the errors on the way.

NumPy only, but for the tests marked torch (skipped where torch is not importable: ``make
test-torch`` runs them). Links are also read back by the page's own parser (www/lib/state.js, in
Node) where node is on PATH.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np
import pytest

import convviz
from convviz import _state

REPO = Path(__file__).resolve().parents[2]


def query(link: str) -> dict:
    return dict(parse_qsl(link, keep_blank_values=True))


# ------------------------------------------------------------------ keyword arguments and arrays


def test_lecture_default_is_ones():
    s = convviz.state_of("conv2d", in_channels=3, out_channels=1, kernel_size=3)
    q = query(s["state"])
    assert q["input"] == "ones"
    assert (q["in_channels"], q["height"], q["width"]) == ("3", "5", "5")
    assert "weight" not in q  # the page's seeded integers
    assert s["_output_index"] == 0 and s["_unbatched"] is False


def test_numpy_input_and_weights_become_edits():
    x = np.zeros((1, 2, 4, 4), np.float32)
    x[0, 1, 2, 3] = 0.1
    weight = np.ones((3, 2, 2, 2), np.float32)
    weight[2, 0, 1, 0] = -7.5
    q = query(convviz.state_of("conv2d", x, weight=weight, bias=np.array([0.5, 0, -2]), stride=2)["state"])
    assert q["in_channels"] == "2" and q["out_channels"] == "3" and q["kernel_size"] == "2" and q["stride"] == "2"
    assert q["input"] == "zeros" and q["set_input"] == "1.2.3:0.1"
    assert q["weight"] == "ones" and q["set_weight"] == "2.0.1.0:-7.5"
    assert q["set_bias"] == "0:0.5;2:-2"
    assert q["bias"] == "1"


def test_unbatched_input_and_pairs():
    s = convviz.state_of("conv_transpose2d", np.ones((2, 3, 4)), in_channels=2, out_channels=4, kernel_size=(3, 2),
                         stride=(2, 1), padding=1, output_padding=(1, 0), groups=2, bias=False)
    q = query(s["state"])
    assert s["_unbatched"] is True
    assert q["mode"] == "convTranspose2d"
    assert (q["height"], q["width"], q["kernel_size"], q["stride"], q["output_padding"]) == ("3", "4", "3,2", "2,1", "1,0")
    assert q["groups"] == "2" and q["bias"] == "0"


def test_unfold_and_fold():
    q = query(convviz.state_of("unfold", np.ones((1, 1, 6, 6)), kernel_size=2, stride=2)["state"])
    assert q["mode"] == "unfold" and q["kernel_size"] == "2" and q["height"] == "6"
    s = convviz.state_of("fold", output_size=(4, 6), kernel_size=2)
    q = query(s["state"])
    assert s["_output_index"] == 1  # w.output is fold(unfold(x)), the mode's second output
    assert (q["height"], q["width"]) == ("4", "6") and "output_size" not in q


def test_weight_gives_the_channels():
    q = query(convviz.state_of("conv2d", np.ones((1, 4, 5, 5)), weight=np.ones((2, 2, 3, 1)), groups=2)["state"])
    assert (q["in_channels"], q["out_channels"], q["kernel_size"]) == ("4", "2", "3,1")


@pytest.mark.parametrize(
    "value, text",
    [(0.1, "0.1"), (1.0, "1"), (-2.5, "-2.5"), (1e-5, "1e-05"), (1 / 3, "0.33333334"), (3e20, "3e+20"), (-0.0, "0")],
)
def test_f32_text_is_shortest(value, text):
    assert _state.f32_text(value) == text
    assert np.float32(float(text)) == np.float32(value)


# ------------------------------------------------------------------ errors, in PyTorch's words


def test_wrong_layer_type():
    with pytest.raises(ValueError, match=r"^layer: expected nn\.Conv2d, nn\.ConvTranspose2d, nn\.Unfold or nn\.Fold"):
        convviz.show(3)
    with pytest.raises(ValueError, match=r"^layer: unknown mode 'linear'"):
        convviz.show("linear")


def test_channel_mismatch_in_pytorch_words():
    msg = ("x: Given groups=1, weight of size [1, 3, 3, 3], expected input[1, 2, 5, 5] to have 3 channels, "
           "but got 2 channels instead")
    with pytest.raises(ValueError, match=re.escape(msg)):
        convviz.state_of("conv2d", np.ones((1, 2, 5, 5)), in_channels=3, out_channels=1, kernel_size=3)
    with pytest.raises(ValueError, match=r"^x: Given transposed=1, weight of size \[2, 1, 3, 3\]"):
        convviz.state_of("conv_transpose2d", np.ones((1, 3, 5, 5)), in_channels=2, out_channels=1, kernel_size=3)


def test_rank_in_pytorch_words():
    with pytest.raises(ValueError, match=re.escape(
            "x: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]")):
        convviz.state_of("conv2d", np.ones((5, 5)), in_channels=1, out_channels=1, kernel_size=3)
    with pytest.raises(ValueError, match=re.escape("x: Input Error: Only 3D or 4D input Tensors are supported (got 2D)")):
        convviz.state_of("unfold", np.ones((5, 5)), kernel_size=3)


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        ({"in_channels": 3}, r"^out_channels: Conv2d\.__init__\(\) missing 2 required positional arguments: 'out_channels' and 'kernel_size'"),
        ({"in_channels": 3, "out_channels": 1, "kernel_size": 3, "strides": 2}, r"^strides: Conv2d\.__init__\(\) got an unexpected keyword argument 'strides'"),
        ({"in_channels": 3, "out_channels": 2, "kernel_size": 3, "groups": 2}, r"^groups: in_channels must be divisible by groups"),
        ({"in_channels": 3, "out_channels": 1, "kernel_size": 3, "padding": "full"}, r"^padding: Invalid padding string 'full'"),
        ({"in_channels": 3, "out_channels": 1, "kernel_size": 3, "padding_mode": "mirror"}, r"^padding_mode: padding_mode must be one of"),
        ({"in_channels": 9, "out_channels": 1, "kernel_size": 3}, r"^in_channels: this visualizer draws at most 8 \(got 9\)"),
        ({"in_channels": 1, "out_channels": 1, "kernel_size": 16}, r"^kernel_size: this visualizer draws at most 15"),
        ({"in_channels": 1, "out_channels": 1, "kernel_size": 3, "stride": 0}, r"^stride: must be at least 1"),
        ({"in_channels": 1, "out_channels": 1, "kernel_size": 3, "weight": np.ones((1, 2, 3, 3))}, r"^in_channels: 1 does not match the weight's shape"),
        ({"in_channels": 1, "out_channels": 2, "kernel_size": 3, "bias": np.ones(3)}, r"^bias: expected shape \[2\], got \[3\]"),
    ],
)
def test_argument_errors_name_the_argument(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        convviz.state_of("conv2d", **kwargs)


def test_input_errors_name_x():
    args = {"in_channels": 1, "out_channels": 1, "kernel_size": 3}
    with pytest.raises(ValueError, match=r"^x: convviz shows one sample"):
        convviz.state_of("conv2d", np.ones((2, 1, 5, 5)), **args)
    with pytest.raises(ValueError, match=r"^height: this visualizer draws at most 64"):
        convviz.state_of("conv2d", np.ones((1, 1, 65, 5)), **args)
    with pytest.raises(ValueError, match=r"^x: every value must be finite"):
        convviz.state_of("conv2d", np.full((1, 1, 5, 5), np.inf), **args)
    with pytest.raises(ValueError, match=r"^x: expected a tensor or a NumPy array of numbers"):
        convviz.state_of("conv2d", np.array([["a"]]), **args)
    with pytest.raises(ValueError, match=r"^x: convviz shows nn.Fold on unfold\(x\)"):
        convviz.state_of("fold", np.ones((1, 1, 5, 5)), output_size=4, kernel_size=2)


def test_too_many_edits_and_too_long_a_link():
    rng = np.random.default_rng(1)
    x = rng.random((1, 2, 64, 64)).astype(np.float32) + 2  # 8192 cells, none 0 or 1
    with pytest.raises(ValueError, match=r"^x: 8192 cells differ from 0; a convviz link carries at most 4096"):
        convviz.state_of("conv2d", x, in_channels=2, out_channels=1, kernel_size=3)
    x = rng.random((1, 2, 64, 32)).astype(np.float32) + 2  # 4096 edits of ~16 characters
    weight = rng.random((8, 2, 15, 15)).astype(np.float32) + 2  # and 3600 of ~19
    with pytest.raises(ValueError, match=r"^x: the state's link would be \d+ characters; convviz reads at most 100000"):
        convviz.state_of("conv2d", x, weight=weight)


def test_view_options():
    w = convviz.show("conv2d", in_channels=1, out_channels=1, kernel_size=3, controls="compact", views="input,output", step=3)
    assert (w.controls, w.views, w.step) == ("compact", "input,output", 3)
    assert w.output is None and w.selected == []
    assert w._wasm[:4] == b"\0asm"


def test_output_from_the_browser_bytes():
    w = convviz.show("conv2d", np.ones((2, 5, 5)), in_channels=2, out_channels=1, kernel_size=3)
    w._output = np.arange(9, dtype="<f4").tobytes()
    w._output_shape = [1, 1, 3, 3]
    assert w.output.shape == (1, 3, 3)  # unbatched in, unbatched out, as layer(x)
    assert w.output[0, 2, 2] == 8


# ------------------------------------------------------------------ the page's own reader and limits


def test_limits_match_the_page():
    text = (REPO / "www/lib/params.js").read_text()
    for name, (lo, hi) in _state.LIMITS.items():
        m = re.search(rf"\['{name}', [^,\]]+(?:, [^,\]]+)?\]?, (\d+), (\d+),", text)
        m = m or re.search(rf"\['{name}', \[[^\]]*\], (\d+), (\d+),|\['{name}', [^,]+, (\d+), (\d+),", text)
        got = [int(g) for g in m.groups() if g is not None]
        assert got == [lo, hi], name
    state = (REPO / "www/lib/state.js").read_text()
    assert f"MAX_LINK_CHARS = {_state.MAX_LINK_CHARS:_}" in state
    assert f"MAX_EDITS = {_state.MAX_EDITS}" in state


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
def test_links_read_back_in_the_page():
    x = np.arange(2 * 4 * 5, dtype=np.float32).reshape(1, 2, 4, 5) / 7
    cases = [
        convviz.state_of("conv2d", x, weight=np.full((3, 2, 2, 2), 0.25), bias=np.array([1, 2, 3]), padding="same"),
        convviz.state_of("conv_transpose2d", x, in_channels=2, out_channels=2, kernel_size=3, stride=2, output_size=(9, 11)),
        convviz.state_of("unfold", x, kernel_size=(2, 3), dilation=1, padding=1),
        convviz.state_of("fold", output_size=(4, 5), kernel_size=2),
    ]
    script = """
import { fromHash } from './www/lib/state.js';
const links = JSON.parse(process.argv[1]);
console.log(JSON.stringify(links.map((l) => { const r = fromHash(l); return { notice: r.notice, mode: r.state.mode,
  params: r.state.params, input: r.state.input, edits: Object.keys(r.state.edits.input).length }; })));
"""
    run = subprocess.run(["node", "--input-type=module", "-e", script, json.dumps([c["state"] for c in cases])],
                         cwd=REPO, capture_output=True, text=True, check=True)
    got = json.loads(run.stdout)
    assert [g["notice"] for g in got] == [None] * 4
    assert [g["mode"] for g in got] == ["conv2d", "convTranspose2d", "unfold", "unfold"]
    assert got[0]["params"]["padding"] == "same" and got[0]["params"]["out_channels"] == 3
    assert got[0]["edits"] == 39  # every cell but the 0
    assert got[1]["params"]["output_size"] == [9, 11]
    assert got[2]["params"]["kernel_size"] == [2, 3] and got[2]["params"]["padding"] == [1, 1]
    assert got[3]["params"]["height"] == 4 and got[3]["input"]["fill"] == "ones"


# ------------------------------------------------------------------ modules (torch; or look-alikes)


class _FakeConv2d:
    """Reads like an nn.Conv2d (the attributes read_module uses), without torch."""

    __module__ = "torch.nn.modules.conv"

    def __init__(self):
        self.in_channels, self.out_channels, self.kernel_size = 2, 1, (3, 3)
        self.stride, self.padding, self.dilation, self.groups, self.padding_mode = (2, 2), (1, 1), (1, 1), 1, "reflect"
        self.weight = np.full((1, 2, 3, 3), 0.5, np.float32)
        self.bias = np.array([0.25], np.float32)


_FakeConv2d.__name__ = "Conv2d"


def test_module_attributes_read_without_torch():
    layer = _state.read_module(_FakeConv2d())
    q = query(_state.to_link(layer, None)[0])
    assert (q["stride"], q["padding"], q["padding_mode"]) == ("2", "1", "reflect")
    assert q["weight"] == "zeros" and q["set_bias"] == "0:0.25"
    assert q["set_weight"].count(";") == 17  # 18 cells of 0.5


def test_module_of_another_library_is_refused():
    class Conv2d:  # noqa: D401 - a look-alike from elsewhere
        pass

    with pytest.raises(ValueError, match=r"^layer: expected nn\.Conv2d"):
        _state.read_module(Conv2d())


@pytest.mark.torch
def test_torch_modules_and_tensors():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    conv = nn.Conv2d(3, 2, 3, stride=2, padding=1, bias=False)
    s = convviz.state_of(conv, torch.randn(1, 3, 6, 6))
    q = query(s["state"])
    assert q["bias"] == "0" and q["stride"] == "2" and "set_weight" in q
    assert query(convviz.state_of(nn.ConvTranspose2d(2, 1, 3, stride=2), output_size=(12, 12))["state"])["output_size"] == "12"
    assert query(convviz.state_of(nn.Unfold(2, stride=2))["state"])["mode"] == "unfold"
    assert convviz.state_of(nn.Fold((4, 4), 2))["_output_index"] == 1
    with pytest.raises(ValueError, match=r"^layer: expected nn\.Conv2d.*got torch\.nn\.modules\.linear\.Linear"):
        convviz.show(nn.Linear(2, 2))
    with pytest.raises(ValueError, match=r"^x: Given groups=1, weight of size \[2, 3, 3, 3\]"):
        convviz.show(conv, torch.ones(1, 1, 5, 5))
    with pytest.raises(ValueError, match=r"^stride: keyword arguments come with a mode name"):
        convviz.show(conv, stride=2)


@pytest.mark.torch
def test_torch_weights_round_trip_through_the_link():
    torch = pytest.importorskip("torch")
    conv = torch.nn.Conv2d(2, 2, 2)
    q = query(convviz.state_of(conv)["state"])
    cells = dict(item.split(":") for item in q["set_weight"].split(";"))
    for key, text in cells.items():
        idx = tuple(int(i) for i in key.split("."))
        assert np.float32(float(text)) == conv.weight.detach().numpy()[idx]
