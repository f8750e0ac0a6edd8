"""Topic drivers of NPS from aggregated counts (no per-response frame needed, so it scales to millions).

Same definitions as ``core.metrics.drivers`` (which works on one row per response):

* impact = NPS(all) - NPS(responses without the topic); the "without" counts are all minus with-topic.
* importance = Shapley/LMG (<= 8 varying topics) or Johnson's relative weights of the regression of the
  respondent's NPS value (+100/0/-100) on the topic indicators. The correlation matrix is built from
  sufficient statistics: n, sum(y), sum(y^2), per topic n_i and sum(x_i y), per pair n_ij.
* quadrants split at mean importance (1/k) and the overall NPS (importance-performance analysis).

Tested against ``core.metrics.drivers`` on the same responses (identical within float error).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from resonanz.core.metrics.drivers import QUADRANTS, johnson_weights, shapley_r2

MAX_SHAPLEY = 8


def _none(v: float) -> float | None:
    return None if v is None or not np.isfinite(v) else float(v)


def driver_table(
    overall: tuple[int, int, int], topics: pd.DataFrame, pairs: pd.DataFrame, *, min_volume: int = 1
) -> pd.DataFrame:
    """``overall`` = (n, promoters, detractors) of all NPS responses; ``topics`` has ``topic, nps_n, promoters,
    detractors`` (responses mentioning the topic); ``pairs`` has ``a, b, n`` co-mentions among NPS responses.

    Returns ``topic, volume, share, nps_with, nps_without, impact, importance, quadrant`` sorted by impact
    (most negative first). Undefined values are None, never NaN.
    """
    cols = ["topic", "volume", "share", "nps_with", "nps_without", "impact", "importance", "quadrant"]
    n, p_all, d_all = (int(v) for v in overall)
    t = topics[topics["nps_n"] >= max(1, min_volume)].reset_index(drop=True) if len(topics) else topics
    if n == 0 or t is None or len(t) == 0:
        return pd.DataFrame(columns=cols)
    names = [str(x) for x in t["topic"]]
    k = len(names)
    ni = t["nps_n"].to_numpy(float)
    pi, di = t["promoters"].to_numpy(float), t["detractors"].to_numpy(float)
    nps_all = 100.0 * (p_all - d_all) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        nps_with = np.where(ni > 0, 100.0 * (pi - di) / ni, np.nan)
        rest = n - ni
        nps_without = np.where(rest > 0, 100.0 * ((p_all - pi) - (d_all - di)) / rest, np.nan)
    impact = nps_all - nps_without

    # correlation matrix from sufficient statistics (population moments; the scale cancels in correlations)
    mean_x = ni / n
    sy, syy = 100.0 * (p_all - d_all), 10000.0 * (p_all + d_all)
    mean_y = sy / n
    var_y = syy / n - mean_y**2
    cov_xy = 100.0 * (pi - di) / n - mean_x * mean_y
    nij = np.diag(ni.copy())
    index = {name: i for i, name in enumerate(names)}
    for a, b, c in pairs[["a", "b", "n"]].itertuples(index=False):
        if a in index and b in index:
            nij[index[a], index[b]] = nij[index[b], index[a]] = float(c)
    cov_xx = nij / n - np.outer(mean_x, mean_x)
    sd_x = np.sqrt(np.clip(np.diag(cov_xx), 0.0, None))
    importance = np.zeros(k)
    varying = np.flatnonzero(sd_x > 1e-12)
    if len(varying) and var_y > 1e-12 and n > 2:
        sdv = sd_x[varying]
        rxx = cov_xx[np.ix_(varying, varying)] / np.outer(sdv, sdv)
        rxy = cov_xy[varying] / (sdv * np.sqrt(var_y))
        raw = shapley_r2(rxx, rxy) if len(varying) <= MAX_SHAPLEY else johnson_weights(rxx, rxy)
        raw = np.clip(raw, 0.0, None)
        if raw.sum() > 0:
            importance[varying] = raw / raw.sum()
    threshold = 1.0 / k
    quadrant = [
        None if not np.isfinite(perf) else QUADRANTS[(bool(imp > threshold), bool(perf >= nps_all))]
        for imp, perf in zip(importance, nps_with, strict=True)
    ]
    out = pd.DataFrame({
        "topic": names, "volume": ni.astype("int64"), "share": ni / n,
        "nps_with": [_none(v) for v in nps_with], "nps_without": [_none(v) for v in nps_without],
        "impact": [_none(v) for v in impact], "importance": importance, "quadrant": quadrant,
    })
    key = out["impact"].map(lambda v: np.inf if v is None else v)
    return out.iloc[key.argsort(kind="stable")].reset_index(drop=True)
