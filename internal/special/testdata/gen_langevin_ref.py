#!/usr/bin/python3
"""Reference values for internal/special/langevin.go.

Run with /usr/bin/python3 (mpmath 1.2): writes langevin_ref.json next to
this script, from the closed forms evaluated with 80 significant digits
plus three per decade of x below 1 (to survive the cancellation near 0).
"""
import json
import os

import mpmath as mp

mp.mp.dps = 80

rows = []
for x in [1e-300, 1e-20, 1e-8, 1e-4, 0.01, 0.1, 0.5, 0.9, 0.999, 1, 1.001, 1.5,
          2, 3, 7.5, 20, 40, 100, 350, 710, 1e4, 1e8]:
    for s in (1, -1):
        # Near 0 the closed forms cancel to about x^2 relative: raise the
        # working precision accordingly.
        extra = 3 * int(-mp.log10(abs(x))) if abs(x) < 1 else 0
        mp.mp.dps = 80 + extra
        x = s * mp.mpf(x)
        sh = mp.sinh(x)
        rows.append({
            "x": float(x),
            "l": float(mp.coth(x) - 1 / x),
            "dl": float(1 / x**2 - 1 / sh**2),
            "d2l": float(2 * mp.cosh(x) / sh**3 - 2 / x**3),
            "logsinhc": float(mp.log(sh / x)),
            "transform": float(x * mp.coth(x) - 1 - mp.log(sh / x)),
        })
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "langevin_ref.json")
with open(path, "w") as fh:
    json.dump({"langevin": rows}, fh, indent=1)
    fh.write("\n")
