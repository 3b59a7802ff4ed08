#!/usr/bin/env python3
"""Reference fits of scikit-learn 1.2's BayesianGaussianMixture for the
tests of package mixture (mixture/sklearn_test.go).

Run with Debian's Python (apt-get install python3-sklearn):
    /usr/bin/python3 mixture/testdata/gen_sklearn_ref.py > mixture/testdata/sklearn_ref.json

The data (400 points in 3-D from four Gaussians, numpy default_rng(11)) and
the initial hard labels (one KMeans run, random_state=0) are stored in the
output, and the fits start from those labels on both sides (the Go side
with Init: Labels), so that the comparison does not depend on two k-means
implementations' random streams.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.mixture import BayesianGaussianMixture

rng = np.random.default_rng(11)
means = np.array([[0, 0, 0], [4, 0, 1], [0, 5, -1], [3, 4, 3]], float)
n_per = [150, 110, 90, 50]
X = np.vstack([rng.multivariate_normal(m, np.diag([1.0, 0.5, 0.8]) + 0.3, size=k) for m, k in zip(means, n_per)])
K = 6
labels = KMeans(n_clusters=K, n_init=1, random_state=0).fit(X).labels_


class FromLabels(BayesianGaussianMixture):
    def _initialize_parameters(self, X, random_state):
        resp = np.zeros((X.shape[0], self.n_components))
        resp[np.arange(X.shape[0]), labels] = 1
        self._initialize(X, resp)


def full_cov(m, t, k):
    c = m.covariances_
    if t == "full":
        return c[k]
    if t == "tied":
        return c
    if t == "diag":
        return np.diag(c[k])
    return np.eye(X.shape[1]) * c[k]


out = {"sklearn": sklearn.__version__, "x": X.ravel().tolist(), "d": X.shape[1], "k": K,
       "labels": labels.tolist(), "fits": []}
for prior in ["dirichlet_distribution", "dirichlet_process"]:
    for t in ["full", "tied", "diag", "spherical"]:
        m = FromLabels(n_components=K, covariance_type=t, weight_concentration_prior_type=prior,
                       max_iter=1000, tol=1e-8, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(X)
        out["fits"].append({
            "prior": prior, "covariance": t, "n_iter": int(m.n_iter_), "converged": bool(m.converged_),
            "lower_bound": float(m.lower_bound_), "weights": m.weights_.tolist(),
            "means": m.means_.ravel().tolist(),
            "covariances": np.array([full_cov(m, t, k) for k in range(K)]).ravel().tolist(),
            "score_samples_mean": float(m.score_samples(X).mean()),
        })
print(json.dumps(out))
