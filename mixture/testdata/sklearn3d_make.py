#!/usr/bin/env python3
"""Reference numbers for mixture's scikit-learn agreement test.

Run once with scikit-learn 1.2 (/usr/bin/python3 on the dev machine):
    python3 mixture/testdata/sklearn3d_make.py
It writes sklearn3d_data.csv (the points), and sklearn3d_ref.json: for every
covariance type and weight prior, the fit of BayesianGaussianMixture
started from the hard k-means labels stored in the JSON (so the Go side can
start from the same responsibilities), with weights_, means_,
covariances_, lower_bound_, n_iter_ and converged_.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.mixture import BayesianGaussianMixture

HERE = os.path.dirname(os.path.abspath(__file__))
K = 4


class FromLabels(BayesianGaussianMixture):
    labels = None

    def _initialize_parameters(self, X, random_state):
        resp = np.zeros((X.shape[0], self.n_components))
        resp[np.arange(X.shape[0]), self.labels] = 1
        self._initialize(X, resp)


def main():
    rng = np.random.default_rng(10)
    n, d = 400, 3
    means = np.array([[0, 0, 0], [4, 1, -1], [-3, 3, 2]], float)
    w = np.array([0.5, 0.3, 0.2])
    z = rng.choice(3, size=n, p=w)
    A = [np.array([[1, 0, 0], [0.5, 0.7, 0], [0.2, -0.3, 0.5]]),
         np.array([[0.6, 0, 0], [-0.2, 1.2, 0], [0, 0.4, 0.8]]),
         np.array([[1.1, 0, 0], [0.3, 0.5, 0], [0.1, 0.1, 0.9]])]
    X = np.array([means[z[i]] + A[z[i]] @ rng.standard_normal(d) for i in range(n)])
    np.savetxt(os.path.join(HERE, "sklearn3d_data.csv"), X, fmt="%.17g", delimiter=",",
               header="x0,x1,x2", comments="")
    X = np.loadtxt(os.path.join(HERE, "sklearn3d_data.csv"), delimiter=",", skiprows=1)
    labels = KMeans(n_clusters=K, n_init=1, random_state=0).fit(X).labels_
    out = {"sklearn": sklearn.__version__, "K": K, "labels": labels.tolist(), "fits": []}
    for prior in ["dirichlet_process", "dirichlet_distribution"]:
        for ct in ["full", "tied", "diag", "spherical"]:
            m = FromLabels(n_components=K, covariance_type=ct,
                           weight_concentration_prior_type=prior, max_iter=500, tol=1e-8)
            m.labels = labels
            m.fit(X)
            out["fits"].append({
                "covariance_type": ct, "weight_prior": prior,
                "weights": m.weights_.tolist(), "means": m.means_.ravel().tolist(),
                "covariances": np.asarray(m.covariances_).ravel().tolist(),
                "lower_bound": float(m.lower_bound_), "n_iter": int(m.n_iter_),
                "converged": bool(m.converged_)})
    with open(os.path.join(HERE, "sklearn3d_ref.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
