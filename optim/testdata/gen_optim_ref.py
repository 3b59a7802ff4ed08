"""Reference trajectories of torch.optim optimizers for vi/optim_test.go.

Minimizes f(x) = sum_i w_i (x_i - c_i)^4 / 4 + (x_i - c_i)^2 / 2 from x0 for
50 steps and records x after every step. Run with Debian's python3 (torch):
    /usr/bin/python3 vi/testdata/gen_optim_ref.py > vi/testdata/optim_ref.json
"""
import json

import torch

torch.set_default_dtype(torch.float64)
x0 = [1.5, -2.0, 0.3]
c = torch.tensor([0.2, 0.5, -1.0])
w = torch.tensor([1.0, 0.3, 2.0])


def f(x):
    d = x - c
    return (w * d ** 4 / 4 + d ** 2 / 2).sum()


cases = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.05),
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    "sgd_weight_decay": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.5, weight_decay=0.1),
    "adam": lambda p: torch.optim.Adam(p, lr=0.05),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "rmsprop_momentum": lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1),
}
out = {"x0": x0, "c": c.tolist(), "w": w.tolist(), "steps": 50}
for name, make in cases.items():
    x = torch.tensor(x0, requires_grad=True)
    opt = make([x])
    traj = []
    for _ in range(50):
        opt.zero_grad()
        f(x).backward()
        opt.step()
        traj.append(x.detach().tolist())
    out[name] = traj
print(json.dumps(out))
