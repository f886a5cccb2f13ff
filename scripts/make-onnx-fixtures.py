#!/usr/bin/python3
"""Writes the ONNX fixtures under test/fixtures/onnx/ (committed: CI and tests never need Python).

  /usr/bin/python3 scripts/make-onnx-fixtures.py   # needs Debian's python3-onnx (1.12) and numpy

- order-value.onnx, sensor-anomaly.onnx: twins of the shipped TF.js dense nets, built with
  onnx.helper from models/<name>/1.0.0/{model.json,weights.bin} (MatMul + Add + activation per
  Dense layer), same input name as the TF.js model, dynamic batch axis `batch`. A test asserts
  both formats agree within 1e-5.
- hostile and edge models: unknown-operator.onnx (an op no runtime knows), zipmap-output.onnx (a
  scikit-learn-style ZipMap: a sequence-of-maps output), bfloat16-input.onnx (an element type
  JavaScript cannot carry), int64-identity.onnx (int64 in and out, dynamic batch),
  two-inputs.onnx (float32 x [batch, 2] and an int64 scale [batch, 1]: y = x * scale),
  slow-identity.onnx (y = x after an 800 000-step Loop: a slow model for the deadline tests).
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "onnx")
OPSET = [helper.make_opsetid("", 13)]
ACTIVATIONS = {"relu": "Relu", "softmax": "Softmax", "sigmoid": "Sigmoid", "tanh": "Tanh", "linear": None}


def save(model, name):
    model.producer_name = "scripts/make-onnx-fixtures.py"
    path = os.path.join(OUT, name)
    onnx.save(model, path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def tfjs_dense_twin(name):
    folder = os.path.join(ROOT, "models", name, "1.0.0")
    with open(os.path.join(folder, "model.json"), encoding="utf8") as f:
        model_json = json.load(f)
    blob = np.fromfile(os.path.join(folder, "weights.bin"), dtype="<f4")
    weights, offset = {}, 0
    for group in model_json["weightsManifest"]:
        for spec in group["weights"]:
            assert spec["dtype"] == "float32", spec
            count = int(np.prod(spec["shape"]))
            weights[spec["name"]] = blob[offset : offset + count].reshape(spec["shape"])
            offset += count
    layers = model_json["modelTopology"]["config"]["layers"]
    first = layers[0]["config"]
    input_name = f"{first['name']}_input"
    features = first["batch_input_shape"][1]
    nodes, initializers, current = [], [], input_name
    for layer in layers:
        assert layer["class_name"] == "Dense", layer["class_name"]
        config = layer["config"]
        lname = config["name"]
        kernel, bias = weights[f"{lname}/kernel"], weights[f"{lname}/bias"]
        initializers += [
            helper.make_tensor(f"{lname}/kernel", TensorProto.FLOAT, kernel.shape, kernel.flatten().tolist()),
            helper.make_tensor(f"{lname}/bias", TensorProto.FLOAT, bias.shape, bias.flatten().tolist()),
        ]
        nodes.append(helper.make_node("MatMul", [current, f"{lname}/kernel"], [f"{lname}/matmul"]))
        nodes.append(helper.make_node("Add", [f"{lname}/matmul", f"{lname}/bias"], [f"{lname}/add"]))
        current = f"{lname}/add"
        op = ACTIVATIONS[config["activation"]]
        if op:
            attrs = {"axis": -1} if op == "Softmax" else {}
            nodes.append(helper.make_node(op, [current], [f"{lname}/{op.lower()}"], **attrs))
            current = f"{lname}/{op.lower()}"
    units = layers[-1]["config"]["units"]
    nodes.append(helper.make_node("Identity", [current], ["output"]))
    graph = helper.make_graph(
        nodes,
        name.replace("-", "_"),
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["batch", features])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", units])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=OPSET)
    onnx.checker.check_model(model)
    save(model, f"{name}.onnx")


def simple(name, nodes, inputs, outputs, opsets=OPSET, check=True):
    model = helper.make_model(helper.make_graph(nodes, name.replace("-", "_"), inputs, outputs), opset_imports=opsets)
    if check:
        onnx.checker.check_model(model)
    save(model, f"{name}.onnx")


def slow_identity(iterations=800_000):
    """y = x, after a Loop of `iterations` scalar additions: a deliberately slow model for the
    deadline tests (its time does not depend on the batch size; runs in an ONNX worker)."""
    # Loop body: acc = acc + 1, repeated `iterations` times; acc starts from ReduceSum(x) so no
    # optimiser can fold the loop at load.
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("Add", ["acc_in", "one"], ["acc_out"]),
        ],
        "spin",
        [
            helper.make_tensor_value_info("i", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, []),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, []),
        ],
        [helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])],
    )
    nodes = [
        helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
        helper.make_node("Loop", ["trips", "go", "total"], ["spun"], body=body),
        helper.make_node("Mul", ["spun", "zero"], ["nothing"]),
        helper.make_node("Add", ["x", "nothing"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "slow-identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 1])],
        [
            helper.make_tensor("trips", TensorProto.INT64, [], [iterations]),
            helper.make_tensor("go", TensorProto.BOOL, [], [True]),
            helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]),
        ],
    )
    model = helper.make_model(graph, opset_imports=OPSET)
    onnx.checker.check_model(model)
    save(model, "slow-identity.onnx")


def main():
    os.makedirs(OUT, exist_ok=True)
    tfjs_dense_twin("order-value")
    tfjs_dense_twin("sensor-anomaly")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2])
    # An operator of a domain no runtime registers: ORT refuses the session.
    simple(
        "unknown-operator",
        [helper.make_node("Frobnicate", ["x"], ["y"], domain="com.example.unknown")],
        [x],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])],
        OPSET + [helper.make_opsetid("com.example.unknown", 1)],
        check=False,
    )
    # What skl2onnx writes for a classifier unless zipmap=False: probabilities as seq(map(int64, float)).
    zipmap_type = onnx.TypeProto()
    zipmap_type.sequence_type.elem_type.map_type.key_type = TensorProto.INT64
    zipmap_type.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT
    simple(
        "zipmap-output",
        [helper.make_node("ZipMap", ["x"], ["probabilities"], domain="ai.onnx.ml", classlabels_int64s=[0, 1])],
        [x],
        [helper.make_value_info("probabilities", zipmap_type)],
        OPSET + [helper.make_opsetid("ai.onnx.ml", 1)],
    )
    simple(
        "bfloat16-input",
        [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT)],
        [helper.make_tensor_value_info("x", TensorProto.BFLOAT16, ["batch", 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])],
    )
    simple(
        "int64-identity",
        [helper.make_node("Identity", ["ids"], ["same"])],
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", 2])],
        [helper.make_tensor_value_info("same", TensorProto.INT64, ["batch", 2])],
    )
    slow_identity()
    simple(
        "two-inputs",
        [
            helper.make_node("Cast", ["scale"], ["scale_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["x", "scale_f"], ["y"]),
        ],
        [x, helper.make_tensor_value_info("scale", TensorProto.INT64, ["batch", 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])],
    )


if __name__ == "__main__":
    main()
