"""Halve an ONNX model's file size: every float32 weight (initializer) with at least MIN_ELEMENTS values is stored
as float16 and cast back to float32 by a Cast node. onnxruntime folds those casts into float32 constants when
it loads the model, so inference runs exactly as before on weights rounded to float16 (relative error about
5e-4). Needs only the `onnx` package (Debian: python3-onnx).

  python3 fp16_weights.py IN.onnx OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MIN_ELEMENTS = 1024  # small tensors (biases, norms) stay float32: they cost little and matter more


def convert(model):
    graph = model.graph
    casts, kept = [], []
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and np.prod(init.dims) >= MIN_ELEMENTS:
            half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "_fp16")
            kept.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT,
                                          name=init.name + "_to_fp32"))
        else:
            kept.append(init)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return len(casts)


def main():
    model = onnx.load(sys.argv[1])
    n = convert(model)
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[2])
    print(f"{n} weights stored as float16 -> {sys.argv[2]}")


if __name__ == "__main__":
    main()
