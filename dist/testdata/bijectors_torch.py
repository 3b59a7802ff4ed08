"""Reference values for dist/bijector_vector_test.go from torch 1.13.

Run with /usr/bin/python3 (torch 1.13, float64); writes bijectors_torch.json
next to this script. Each case holds an unconstrained row x, torch's
forward y (flattened row-major; K x K matrices for CorrCholesky) and torch's
log_abs_det_jacobian.
"""
import json
import os

import torch
from torch.distributions import transforms as T

torch.set_default_dtype(torch.float64)

cases = []


def add(name, t, x):
    x = torch.tensor(x, dtype=torch.float64)
    y = t(x)
    ld = t.log_abs_det_jacobian(x, y)
    cases.append({
        "name": name,
        "x": x.tolist(),
        "y": y.reshape(-1).tolist(),
        "logdet": float(ld),
    })


add("StickBreaking", T.StickBreakingTransform(), [0.0, 0.0, 0.0])
add("StickBreaking", T.StickBreakingTransform(), [0.3, -1.2, 2.5, 0.7])
add("StickBreaking", T.StickBreakingTransform(), [-4.0, 6.0])
add("CorrCholesky", T.CorrCholeskyTransform(), [0.4])
add("CorrCholesky", T.CorrCholeskyTransform(), [0.3, -1.1, 0.8])
add("CorrCholesky", T.CorrCholeskyTransform(), [0.2, -0.5, 1.3, 0.9, -2.0, 0.05])

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "bijectors_torch.json"), "w") as f:
    json.dump(cases, f, indent=1)
