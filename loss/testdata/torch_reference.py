#!/usr/bin/env python3
"""Reference values for package loss from PyTorch (run with /usr/bin/python3,
Debian python3-torch 1.13): writes torch_reference.json next to this script.

    /usr/bin/python3 loss/testdata/torch_reference.py

Every case records its inputs, the loss value and the gradients that
torch.autograd computes, in float64."""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)

cases = []


def rows(x):
    return {"rows": x.shape[0], "cols": x.shape[1], "data": x.detach().reshape(-1).tolist()}


def grad_or_none(x):
    return None if x.grad is None else x.grad.reshape(-1).tolist()


def kl_case(name, inp, tgt, log_target):
    for red in ["none", "sum", "mean", "batchmean"]:
        x = inp.clone().requires_grad_(True)
        t = tgt.clone().requires_grad_(True)
        out = F.kl_div(x, t, reduction=red, log_target=log_target)
        # a fixed projection for the non-scalar output
        w = torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)
        (out * w).sum().backward()
        cases.append({
            "kind": "kl_div", "name": name, "reduction": red, "log_target": log_target,
            "input": rows(inp), "target": rows(tgt),
            "value": out.detach().reshape(-1).tolist(),
            "weights": w.reshape(-1).tolist(),
            "grad_input": grad_or_none(x),
            # torch's target gradient is -inf/NaN at target 0; recorded only where finite
            "grad_target": grad_or_none(t),
        })


logits = torch.randn(4, 5)
lq = F.log_softmax(torch.randn(4, 5), dim=1)
p = F.softmax(logits, dim=1)
kl_case("dense", lq, p, False)
kl_case("dense-log-target", lq, F.log_softmax(logits, dim=1), True)
pz = p.clone()
pz[0, 1] = 0.0
pz[0] /= pz[0].sum()
pz[2, 3] = 0.0
pz[2] /= pz[2].sum()
kl_case("zeros-in-target", lq, pz, False)
onehot = F.one_hot(torch.tensor([1, 0, 4, 2]), 5).to(torch.float64)
kl_case("one-hot", lq, onehot, False)
kl_case("broadcast-unnormalized", torch.randn(3, 4) - 1, torch.rand(3, 4), False)

# cross-entropy: hard labels with and without smoothing, soft targets
for eps in [0.0, 0.1]:
    for red in ["none", "sum", "mean"]:
        z = torch.randn(6, 4).requires_grad_(True)
        y = torch.randint(0, 4, (6,))
        out = F.cross_entropy(z, y, reduction=red, label_smoothing=eps)
        w = torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)
        (out * w).sum().backward()
        cases.append({"kind": "cross_entropy", "reduction": red, "label_smoothing": eps,
                      "logits": rows(z), "labels": y.tolist(), "value": out.detach().reshape(-1).tolist(),
                      "weights": w.reshape(-1).tolist(), "grad_logits": grad_or_none(z)})
        z = torch.randn(6, 4).requires_grad_(True)
        t = F.softmax(2 * torch.randn(6, 4), dim=1)
        out = F.cross_entropy(z, t, reduction=red, label_smoothing=eps)
        w = torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)
        (out * w).sum().backward()
        cases.append({"kind": "cross_entropy_soft", "reduction": red, "label_smoothing": eps,
                      "logits": rows(z), "target": rows(t), "value": out.detach().reshape(-1).tolist(),
                      "weights": w.reshape(-1).tolist(), "grad_logits": grad_or_none(z)})

for red in ["none", "sum", "mean"]:
    z = (10 * torch.randn(5, 3)).requires_grad_(True)
    t = torch.rand(5, 3)
    out = F.binary_cross_entropy_with_logits(z, t, reduction=red)
    w = torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape)
    (out * w).sum().backward()
    cases.append({"kind": "bce_with_logits", "reduction": red, "logits": rows(z), "target": rows(t),
                  "value": out.detach().reshape(-1).tolist(), "weights": w.reshape(-1).tolist(),
                  "grad_logits": grad_or_none(z)})


def clean(v):
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    if isinstance(v, list):
        return [clean(x) for x in v]
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    return v


out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_reference.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": clean(cases)}, f, indent=1)
print("wrote", out, len(cases), "cases")
