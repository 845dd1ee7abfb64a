"""End to end: a real JupyterLab server on 127.0.0.1, a notebook run in headless Chromium.

The notebook shows a Conv2d with a NumPy input and weights (an ``nn.Conv2d`` when torch is
importable), and checks in the kernel that ``w.output`` (computed by the wasm engine in the browser)
equals a convolution computed in NumPy (and ``layer(x)`` with torch). ``lab_driver.mjs`` runs the
cells with Playwright and reads the widget's ``torch.Size`` text from its shadow root.

Needs: jupyterlab and the convviz wheel in this Python (``make test-python`` installs them), node
with playwright-core (``make deps``) and Chromium. Skipped when one is missing, saying which.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("lab_driver.mjs")

NOTEBOOK_CELLS = [
    # 1: the widgets: a Conv2d (w, the one the later cells use), a ConvTranspose2d, Unfold and Fold
    """\
import json, numpy as np, convviz
from IPython.display import display
rng = np.random.default_rng(0)
x = (rng.integers(-3, 4, size=(1, 2, 6, 6)) / 2).astype(np.float32)
weight = rng.integers(-2, 3, size=(3, 2, 3, 3)).astype(np.float32)
bias = np.array([0.5, -1, 0.25], np.float32)
wt = (rng.integers(-4, 5, size=(2, 2, 3, 3)) / 4).astype(np.float32)
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    layer = torch.nn.Conv2d(2, 3, 3, stride=2, padding=1)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(weight)); layer.bias.copy_(torch.from_numpy(bias))
    w = convviz.show(layer, torch.from_numpy(x))
else:
    w = convviz.show('conv2d', x, weight=weight, bias=bias, stride=2, padding=1)
others = {
    "conv_transpose2d": convviz.show('conv_transpose2d', x, weight=wt, bias=False, stride=2, padding=1, output_padding=1),
    "unfold": convviz.show('unfold', x, kernel_size=(2, 3), stride=(2, 1), padding=1),
    "fold": convviz.show('fold', x, output_size=(6, 6), kernel_size=2, stride=2),
}
display(w, *others.values())""",
    # 2: what the kernel sees
    """\
def pad(x, p):
    return np.pad(x.astype(np.float64), ((0, 0), (0, 0), (p, p), (p, p)))
def conv2d_ref(x, weight, bias, stride, padding):
    xp = pad(x, padding)
    co, ci, kh, kw = weight.shape
    ho = (xp.shape[2] - kh) // stride + 1
    wo = (xp.shape[3] - kw) // stride + 1
    y = np.zeros((1, co, ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[0, :, i, j] = np.tensordot(weight, patch[0], axes=3) + bias
    return y.astype(np.float32)
def conv_transpose2d_ref(x, weight, stride, padding, output_padding):
    _, ci, h, wd = x.shape
    _, co, kh, kw = weight.shape
    full = np.zeros((1, co, (h - 1) * stride + kh + output_padding, (wd - 1) * stride + kw + output_padding))
    for i in range(h):
        for j in range(wd):
            full[0, :, i * stride:i * stride + kh, j * stride:j * stride + kw] += np.tensordot(x[0, :, i, j], weight, axes=1)
    ho, wo = full.shape[2] - 2 * padding, full.shape[3] - 2 * padding
    return full[:, :, padding:padding + ho, padding:padding + wo].astype(np.float32)
def unfold_ref(x, k, stride, padding):
    xp = pad(x, padding)
    (kh, kw), (sh, sw) = k, stride
    ho, wo = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    cols = [xp[0, :, i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(-1) for i in range(ho) for j in range(wo)]
    return np.stack(cols, axis=1)[None].astype(np.float32)
def fold_unfold_ref(x, k, stride):
    count = np.zeros(x.shape[2:])
    for i in range(0, x.shape[2] - k + 1, stride):
        for j in range(0, x.shape[3] - k + 1, stride):
            count[i:i + k, j:j + k] += 1
    return (x * count).astype(np.float32)
refs = {
    "conv2d": (w, conv2d_ref(x, weight, bias, 2, 1)),
    "conv_transpose2d": (others["conv_transpose2d"], conv_transpose2d_ref(x, wt, 2, 1, 1)),
    "unfold": (others["unfold"], unfold_ref(x, (2, 3), (2, 1), 1)),
    "fold": (others["fold"], fold_unfold_ref(x, 2, 2)),
}
result = {"torch": torch is not None, "state": w.state, "layers": {}}
for name, (widget, ref) in refs.items():
    out = widget.output
    result["layers"][name] = {
        "output_shape": None if out is None else list(out.shape),
        "ref_shape": list(ref.shape),
        "max_err": None if out is None or out.shape != ref.shape else float(np.abs(out - ref).max()),
        "equal": out is not None and out.shape == ref.shape and bool(np.allclose(out, ref, rtol=1e-6, atol=1e-5)),
    }
result["output_shape"] = result["layers"]["conv2d"]["output_shape"]
result["ready"] = all(v["output_shape"] is not None for v in result["layers"].values())
if torch is not None and w.output is not None:
    result["torch_equal"] = bool(np.allclose(w.output, layer(torch.from_numpy(x)).detach().numpy(), rtol=1e-6, atol=1e-5))
json.dump(result, open(RESULT, "w"))""",
    # 3: the pointer and the timeline, seen from Python
    """\
json.dump({"selected": list(w.selected), "step": w.step}, open(RESULT, "w"))""",
    # 4: the timeline set from Python
    "w.step = 4",
    # 5, 6: the layer changed from Python (stride 1): the browser recomputes, w.output follows
    "w.state = w.state.replace('&stride=2&', '&stride=1&')",
    """\
json.dump({"output_shape": None if w.output is None else list(w.output.shape), "state": w.state,
           "equal": w.output is not None and bool(np.allclose(w.output, conv2d_ref(x, weight, bias, 1, 1), atol=1e-5))},
          open(RESULT, "w"))""",
]


def _missing() -> str | None:
    try:
        import convviz  # noqa: F401
        import jupyterlab  # noqa: F401
    except ImportError as e:
        return f"{e.name} is not installed here (make test-python installs it)"
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (REPO / "node_modules" / "playwright-core").exists():
        return "node_modules/playwright-core is missing (make deps)"
    if not any(Path(p).exists() for p in (os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser") if p):
        return "Chromium is not installed (make deps)"
    return None


def _notebook(result: Path) -> dict:
    cells = [c.replace("RESULT", repr(str(result))) for c in NOTEBOOK_CELLS]
    return {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
             "source": src}
            for i, src in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 (no token), its root a temporary folder; yields its URL."""
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "PYTHONUNBUFFERED": "1"}
    # the kernel is the server's own Python (ipykernel's native python3 spec): the one with convviz
    root = tmp_path / "root"
    root.mkdir()
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", "--port=0",
         "--allow-root", "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         f"--ServerApp.root_dir={root}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = None
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        text = (tmp_path / "lab.log").read_text()
        m = re.search(r"(http://127\.0\.0\.1:\d+/)lab", text)
        if m:
            url = m.group(1)
            break
        time.sleep(0.3)
    try:
        if url is None:
            pytest.fail(f"JupyterLab did not start:\n{(tmp_path / 'lab.log').read_text()[-3000:]}")
        yield url, root
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.skipif(_missing() is not None, reason=str(_missing()))
def test_notebook_widget_output_equals_numpy(lab, tmp_path):
    url, root = lab
    (root / "convviz_e2e.ipynb").write_text(json.dumps(_notebook(tmp_path / "result.json")))
    t0 = time.time()
    run = subprocess.run(["node", str(DRIVER), url, "convviz_e2e.ipynb", str(tmp_path / "result.json")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"notebook run in {time.time() - t0:.1f}s: {seen}")
    assert "failure" not in seen, seen["failure"]
    assert seen["errors"] == []
    check = seen["check"]
    # each widget shows its layer's torch.Size (Fold's page shows unfold(x)'s), and the kernel has
    # the browser's outputs, equal to NumPy's
    layers = check["layers"]
    size = lambda shape: f"torch.Size([{', '.join(map(str, shape))}])"  # noqa: E731
    assert seen["shownSizes"][:3] == [size(layers[k]["ref_shape"]) for k in ("conv2d", "conv_transpose2d", "unfold")]
    assert seen["shownSizes"][0] == "torch.Size([1, 3, 3, 3])"
    for name, layer in layers.items():
        assert layer["output_shape"] == layer["ref_shape"], name
        assert layer["equal"], f"{name}: w.output differs from NumPy's by {layer['max_err']}"
    if check["torch"]:
        assert check["torch_equal"]
    assert check["state"].startswith("in_channels=2&out_channels=3&height=6&width=6&kernel_size=3&stride=2&padding=1")
    # the pointer on the output canvas: w.selected is an output cell [co, oh, ow]
    pointer = seen["pointer"]
    assert len(pointer["selected"]) == 3
    co, oh, ow = pointer["selected"]
    assert 0 <= co < 3 and 0 <= oh < 3 and 0 <= ow < 3
    # w.step = 4 in Python: the page's timeline shows cell 5 (1-based)
    assert seen["stepShown"]
    # w.state set from Python: the browser's output of the new layer
    assert seen["restated"]["output_shape"] == [1, 3, 6, 6] and seen["restated"]["equal"]
    assert "&stride=1&" in seen["restated"]["state"]
    # End then ← on the widget's timeline: w.step is the last cell but one (3 x 6 x 6 cells)
    assert seen["keyed"]["step"] == 3 * 6 * 6 - 2
    assert seen["activeCellKept"]
