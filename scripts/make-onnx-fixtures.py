#!/usr/bin/env python3
"""Writes the ONNX test fixtures of PruneModelTests (Tests/PruneModelTests/Fixtures/onnx/).

Run from the repository root:  python3 scripts/make-onnx-fixtures.py
Needs: numpy, onnx (1.23.2), onnxruntime (1.32.0). torch is not needed: the graphs are built
with onnx.helper to mirror what torch.onnx.export emits (Gemm transB=1, raw_data float32
weights, a symbolic batch dimension "N", the old Shape/Gather/Unsqueeze/Concat/Reshape chain).

Every seed is fixed, so re-running rewrites identical files. For each valid model the script
also writes <name>.expected.json holding
  inputs            a list of samples (each a flat list, float32-exact values),
  reference_logits  logits computed in numpy float64 from the same weights (the 1e-9 check),
  ort_logits        onnxruntime's outputs (float32 for float models; the 1e-4 check),
  patterns          per sample the dense head's activation pattern as a '0'/'1' string,
                    neuron 0 of the first hidden layer first; bit = pre-activation > 0.
Invalid fixtures (refused by prune with a specific error code) have no expected file.

mlp.exported.sha256 is not written here: it pins the bytes of prune's own ONNX export of
mlp.onnx (ONNXExportTests prints the new digest when the writer changes on purpose).
"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "PruneModelTests", "Fixtures", "onnx")
PRODUCER = "prune-fixtures"


def init(name, array, raw=True):
    """An initializer; raw=False stores typed fields (float_data, double_data, int64_data)."""
    if raw:
        return numpy_helper.from_array(array, name)
    dtype = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float64): TensorProto.DOUBLE,
             np.dtype(np.int64): TensorProto.INT64}[array.dtype]
    return helper.make_tensor(name, dtype, array.shape, array.flatten().tolist(), raw=False)


def linear(rng, n_in, n_out, dtype=np.float32):
    """nn.Linear-style weights [out, in] and bias [out], uniform(-1/sqrt(in), 1/sqrt(in))."""
    bound = 1.0 / np.sqrt(n_in)
    w = rng.uniform(-bound, bound, size=(n_out, n_in)).astype(dtype)
    b = rng.uniform(-bound, bound, size=(n_out,)).astype(dtype)
    return w, b


def model(nodes, inits, input_shape, n_out, opset=17, elem=TensorProto.FLOAT, name="g"):
    x = helper.make_tensor_value_info("input", elem, ["N"] + list(input_shape))
    y = helper.make_tensor_value_info("logits", elem, ["N", n_out])
    graph = helper.make_graph(nodes, name, [x], [y], initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name=PRODUCER)
    m.ir_version = 8
    return m


def save(m, name, check=True):
    if check:
        onnx.checker.check_model(m)
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    return path


# ---- float64 references -------------------------------------------------------------------

def conv2d(x, w, b, stride, pad):
    """x [C,H,W], w [M,C,kh,kw], pads (top, left, bottom, right)."""
    c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.zeros((c, h + pad[0] + pad[2], wd + pad[1] + pad[3]))
    xp[:, pad[0]:pad[0] + h, pad[1]:pad[1] + wd] = x
    oh = (xp.shape[1] - kh) // stride + 1
    ow = (xp.shape[2] - kw) // stride + 1
    y = np.zeros((m, oh, ow))
    for o in range(m):
        for i in range(oh):
            for j in range(ow):
                y[o, i, j] = b[o] + np.sum(w[o] * xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw])
    return y


def pool(x, k, stride, pad, kind, count_include_pad=False):
    c, h, wd = x.shape
    oh = (h + pad[0] + pad[2] - k) // stride + 1
    ow = (wd + pad[1] + pad[3] - k) // stride + 1
    y = np.zeros((c, oh, ow))
    for ch in range(c):
        for i in range(oh):
            for j in range(ow):
                vals, n = [], 0
                for a in range(k):
                    for bb in range(k):
                        r, s = i * stride + a - pad[0], j * stride + bb - pad[1]
                        if 0 <= r < h and 0 <= s < wd:
                            vals.append(x[ch, r, s])
                        n += 1
                if kind == "max":
                    y[ch, i, j] = max(vals)
                else:
                    y[ch, i, j] = sum(vals) / (n if count_include_pad else len(vals))
    return y


def head(features, layers):
    """Dense head in float64: ReLU between layers; returns logits and pattern strings."""
    a = features.astype(np.float64)
    bits = [""] * a.shape[0]
    for idx, (w, b) in enumerate(layers):
        z = a @ w.astype(np.float64).T + b.astype(np.float64)
        if idx < len(layers) - 1:
            for s in range(z.shape[0]):
                bits[s] += "".join("1" if v > 0 else "0" for v in z[s])
            z = np.maximum(z, 0)
        a = z
    return a, bits


def write_expected(name, path, inputs, reference, patterns, elem=np.float32):
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    ort_out = sess.run(None, {"input": inputs.astype(elem)})[0]
    assert np.allclose(ort_out.astype(np.float64), reference, rtol=1e-4, atol=1e-4), name
    doc = {
        "inputs": [[float(v) for v in row.flatten()] for row in inputs],
        "reference_logits": [[float(v) for v in row] for row in reference],
        "ort_logits": [[float(v) for v in row] for row in ort_out],
        "patterns": patterns,
    }
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")


def sample_inputs(rng, count, shape, dtype=np.float32):
    return rng.uniform(0, 1, size=(count,) + tuple(shape)).astype(dtype)


# ---- valid models -------------------------------------------------------------------------

def make_mlp():
    """torch.onnx.export of Sequential(Linear(64,32), ReLU, Linear(32,16), ReLU, Linear(16,10))."""
    rng = np.random.default_rng(1)
    sizes = [64, 32, 16, 10]
    layers = [linear(rng, sizes[i], sizes[i + 1]) for i in range(3)]
    nodes, inits, prev = [], [], "input"
    for i, (w, b) in enumerate(layers):
        inits += [init(f"{2 * i}.weight", w), init(f"{2 * i}.bias", b)]
        out = "logits" if i == 2 else f"/{2 * i}/Gemm_output_0"
        nodes.append(helper.make_node("Gemm", [prev, f"{2 * i}.weight", f"{2 * i}.bias"], [out],
                                      name=f"/{2 * i}/Gemm", alpha=1.0, beta=1.0, transB=1))
        if i < 2:
            nodes.append(helper.make_node("Relu", [out], [f"/{2 * i + 1}/Relu_output_0"], name=f"/{2 * i + 1}/Relu"))
            prev = f"/{2 * i + 1}/Relu_output_0"
    m = model(nodes, inits, [64], 10)
    path = save(m, "mlp.onnx")
    x = sample_inputs(rng, 6, [64])
    ref, pats = head(x.astype(np.float64), layers)
    write_expected("mlp", path, x, ref, pats)


def make_gemm_matmul_mix():
    """Gemm(transB=0), MatMul+Add, Identity and a Constant bias, typed-field initializers."""
    rng = np.random.default_rng(2)
    (w1, b1), (w2, b2), (w3, b3) = linear(rng, 12, 9), linear(rng, 9, 7), linear(rng, 7, 5)
    inits = [init("W1t", np.ascontiguousarray(w1.T), raw=False), init("b1", b1, raw=False),
             init("W2t", np.ascontiguousarray(w2.T), raw=False), init("b2", b2, raw=False),
             init("W3", w3, raw=False)]
    nodes = [
        helper.make_node("Identity", ["input"], ["x"], name="id_in"),
        helper.make_node("Gemm", ["x", "W1t", "b1"], ["h1"], name="gemm1", transB=0),
        helper.make_node("Relu", ["h1"], ["a1"], name="relu1"),
        helper.make_node("MatMul", ["a1", "W2t"], ["m2"], name="matmul2"),
        helper.make_node("Add", ["m2", "b2"], ["h2"], name="add2"),
        helper.make_node("Relu", ["h2"], ["a2"], name="relu2"),
        helper.make_node("Identity", ["W3"], ["W3_alias"], name="id_w3"),
        helper.make_node("Constant", [], ["b3"], name="const_b3",
                         value=helper.make_tensor("b3_value", TensorProto.FLOAT, [5], b3.tolist())),
        helper.make_node("Gemm", ["a2", "W3_alias", "b3"], ["logits"], name="gemm3", transB=1),
    ]
    m = model(nodes, inits, [12], 5, opset=13)
    path = save(m, "gemm_matmul_mix.onnx")
    x = sample_inputs(rng, 5, [12])
    ref, pats = head(x.astype(np.float64), [(w1, b1), (w2, b2), (w3, b3)])
    write_expected("gemm_matmul_mix", path, x, ref, pats)


def make_tiny_cnn():
    """[N,1,8,8] → Conv(4,3x3,pad 1) → Relu → MaxPool 2 → Conv(4,3x3,stride 2,pad 1) → Relu
    → AveragePool(2, stride 1, pad 1, count_include_pad 0) → Flatten → Gemm → Relu → Gemm."""
    rng = np.random.default_rng(3)
    c1w = rng.uniform(-0.5, 0.5, size=(4, 1, 3, 3)).astype(np.float32)
    c1b = rng.uniform(-0.1, 0.1, size=(4,)).astype(np.float32)
    c2w = rng.uniform(-0.3, 0.3, size=(4, 4, 3, 3)).astype(np.float32)
    c2b = rng.uniform(-0.1, 0.1, size=(4,)).astype(np.float32)
    (w1, b1), (w2, b2) = linear(rng, 36, 16), linear(rng, 16, 10)
    inits = [init("conv1.weight", c1w), init("conv1.bias", c1b), init("conv2.weight", c2w),
             init("conv2.bias", c2b), init("fc1.weight", w1), init("fc1.bias", b1),
             init("fc2.weight", w2), init("fc2.bias", b2)]
    nodes = [
        helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["c1"], name="/conv1/Conv",
                         dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="/relu1/Relu"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="/pool1/MaxPool", ceil_mode=0,
                         kernel_shape=[2, 2], pads=[0, 0, 0, 0], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "conv2.weight", "conv2.bias"], ["c2"], name="/conv2/Conv",
                         dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c2"], ["r2"], name="/relu2/Relu"),
        helper.make_node("AveragePool", ["r2"], ["p2"], name="/pool2/AveragePool", ceil_mode=0,
                         count_include_pad=0, kernel_shape=[2, 2], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Flatten", ["p2"], ["f"], name="/flatten/Flatten", axis=1),
        helper.make_node("Gemm", ["f", "fc1.weight", "fc1.bias"], ["g1"], name="/fc1/Gemm", transB=1),
        helper.make_node("Relu", ["g1"], ["r3"], name="/relu3/Relu"),
        helper.make_node("Gemm", ["r3", "fc2.weight", "fc2.bias"], ["logits"], name="/fc2/Gemm", transB=1),
    ]
    m = model(nodes, inits, [1, 8, 8], 10)
    path = save(m, "tiny_cnn.onnx")
    x = sample_inputs(rng, 4, [1, 8, 8])
    feats = []
    for s in x.astype(np.float64):
        h = np.maximum(conv2d(s, c1w.astype(np.float64), c1b.astype(np.float64), 1, (1, 1, 1, 1)), 0)
        h = pool(h, 2, 2, (0, 0, 0, 0), "max")
        h = np.maximum(conv2d(h, c2w.astype(np.float64), c2b.astype(np.float64), 2, (1, 1, 1, 1)), 0)
        h = pool(h, 2, 1, (1, 1, 1, 1), "avg")
        feats.append(h.flatten())
    ref, pats = head(np.array(feats), [(w1, b1), (w2, b2)])
    write_expected("tiny_cnn", path, x, ref, pats)


def make_mlp_flatten_chain():
    """Old torch (opset 11) x.view(x.size(0), -1): Shape → Gather → Unsqueeze → Concat → Reshape."""
    rng = np.random.default_rng(4)
    (w1, b1), (w2, b2) = linear(rng, 32, 8), linear(rng, 8, 3)
    inits = [init("fc1.weight", w1), init("fc1.bias", b1), init("fc2.weight", w2), init("fc2.bias", b2)]
    nodes = [
        helper.make_node("Shape", ["input"], ["s"], name="Shape_0"),
        helper.make_node("Constant", [], ["zero"], name="Constant_1",
                         value=helper.make_tensor("zero_value", TensorProto.INT64, [], [0])),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="Gather_2", axis=0),
        helper.make_node("Constant", [], ["minus1"], name="Constant_3",
                         value=helper.make_tensor("minus1_value", TensorProto.INT64, [], [-1])),
        helper.make_node("Unsqueeze", ["n"], ["n1"], name="Unsqueeze_4", axes=[0]),
        helper.make_node("Unsqueeze", ["minus1"], ["m1"], name="Unsqueeze_5", axes=[0]),
        helper.make_node("Concat", ["n1", "m1"], ["target"], name="Concat_6", axis=0),
        helper.make_node("Reshape", ["input", "target"], ["flat"], name="Reshape_7"),
        helper.make_node("Gemm", ["flat", "fc1.weight", "fc1.bias"], ["g1"], name="Gemm_8", transB=1),
        helper.make_node("Relu", ["g1"], ["r1"], name="Relu_9"),
        helper.make_node("Gemm", ["r1", "fc2.weight", "fc2.bias"], ["logits"], name="Gemm_10", transB=1),
    ]
    m = model(nodes, inits, [2, 4, 4], 3, opset=11)
    path = save(m, "mlp_flatten_chain.onnx")
    x = sample_inputs(rng, 4, [2, 4, 4])
    ref, pats = head(x.reshape(4, -1).astype(np.float64), [(w1, b1), (w2, b2)])
    write_expected("mlp_flatten_chain", path, x, ref, pats)


def make_double_weights():
    """An MLP stored in DOUBLE (input, weights, output), with box and preprocessing metadata."""
    rng = np.random.default_rng(5)
    (w1, b1), (w2, b2) = linear(rng, 6, 5, np.float64), linear(rng, 5, 3, np.float64)
    inits = [init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2, raw=False)]
    nodes = [
        helper.make_node("Gemm", ["input", "w1", "b1"], ["g1"], name="gemm1", transB=1),
        helper.make_node("Relu", ["g1"], ["r1"], name="relu1"),
        helper.make_node("Gemm", ["r1", "w2", "b2"], ["logits"], name="gemm2", transB=1),
    ]
    m = model(nodes, inits, [6], 3, elem=TensorProto.DOUBLE)
    helper.set_model_props(m, {"prune.input.lower": "-1", "prune.input.upper": "[1, 1, 1, 2, 2, 2.5]",
                               "prune.preprocessing.mean": "0.5", "prune.preprocessing.std": "[0.25]"})
    path = save(m, "double_weights.onnx")
    x = sample_inputs(rng, 4, [6], np.float64)
    ref, pats = head(x, [(w1, b1), (w2, b2)])
    write_expected("double_weights", path, x, ref, pats, elem=np.float64)


# ---- invalid models (no expected outputs) --------------------------------------------------

def small_mlp_parts(rng, transA=0):
    (w1, b1), (w2, b2) = linear(rng, 4, 3), linear(rng, 3, 2)
    inits = [init("w1", w1), init("b1", b1), init("w2", w2), init("b2", b2)]
    nodes = [
        helper.make_node("Gemm", ["input", "w1", "b1"], ["g1"], name="gemm1", transB=1, transA=transA),
        helper.make_node("Relu", ["g1"], ["r1"], name="relu1"),
        helper.make_node("Gemm", ["r1", "w2", "b2"], ["g2"], name="gemm2", transB=1),
    ]
    return nodes, inits


def make_invalid():
    rng = np.random.default_rng(6)
    nodes, inits = small_mlp_parts(rng)
    nodes.append(helper.make_node("Softmax", ["g2"], ["logits"], name="softmax", axis=1))
    save(model(nodes, inits, [4], 2), "unsupported_softmax.onnx")

    nodes, inits = small_mlp_parts(rng, transA=1)
    nodes[-1].output[0] = "logits"
    save(model(nodes, inits, [4], 2), "gemm_transA.onnx", check=False)

    nodes, inits = small_mlp_parts(rng)
    nodes[-1].output[0] = "logits"
    inits[0] = init("w1", rng.uniform(-1, 1, size=(3, 5)).astype(np.float32))  # takes 5 inputs, not 4
    save(model(nodes, inits, [4], 2), "wrong_shape_initializer.onnx", check=False)

    nodes, inits = small_mlp_parts(rng)
    nodes[-1].output[0] = "logits"
    ext = TensorProto(name="w1", data_type=TensorProto.FLOAT, dims=[3, 4])
    ext.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "weights.bin"), ("offset", "0"), ("length", "48")):
        entry = ext.external_data.add()
        entry.key, entry.value = key, value
    inits[0] = ext
    save(model(nodes, inits, [4], 2), "external_data.onnx", check=False)

    w = rng.uniform(-1, 1, size=(2, 1, 3, 3)).astype(np.float32)
    (fw, fb) = linear(rng, 2 * 4 * 4, 2)
    nodes = [
        helper.make_node("Conv", ["input", "cw"], ["c"], name="conv_dilated", dilations=[2, 2], kernel_shape=[3, 3]),
        helper.make_node("Flatten", ["c"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["logits"], name="fc", transB=1),
    ]
    save(model(nodes, [init("cw", w), init("fw", fw), init("fb", fb)], [1, 8, 8], 2), "conv_dilation.onnx")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_mlp()
    make_gemm_matmul_mix()
    make_tiny_cnn()
    make_mlp_flatten_chain()
    make_double_weights()
    make_invalid()
    for name in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(os.path.join(OUT, name)):7d}  {name}")
