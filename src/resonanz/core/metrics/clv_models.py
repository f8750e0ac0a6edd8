"""Probabilistic customer-base models: BG/NBD (purchases, alive) and Gamma-Gamma (spend), numpy/scipy only.

BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive a customer buys as a
Poisson process with rate lambda ~ Gamma(r, alpha); after every purchase they drop out with probability
p ~ Beta(a, b). Inputs per customer are ``frequency`` x (repeat purchases), ``recency`` t_x (time of the last
purchase since the first) and ``T`` (time since the first purchase), in one time unit (e.g. weeks).

Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999): a customer's average spend per
transaction is Gamma(p, nu) with nu ~ Gamma(q, v); fitted on customers with x > 0 repeat purchases and their
mean repeat spend m_x. Both are fitted by maximum likelihood over log-parameters with scipy.optimize.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize
from scipy.special import betaln, gammaln, hyp2f1

from resonanz.core.errors import MetricsError

Array = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike


def _arrays(*cols: ArrayLike) -> list[Array]:
    out = [np.asarray(c, dtype=np.float64).ravel() for c in cols]
    if len({a.size for a in out}) != 1:
        raise MetricsError("frequency/recency/T (or monetary) must have the same length", code="E310")
    if out[0].size == 0:
        raise MetricsError("cannot fit a model on zero customers", code="E310")
    if any(not np.all(np.isfinite(a)) for a in out):
        raise MetricsError("model inputs contain NaN or infinite values", code="E310")
    return out


def _check_rft(x: Array, t_x: Array, big_t: Array) -> None:
    if np.any(x < 0) or np.any(x != np.floor(x)):
        raise MetricsError("frequency must be a non-negative whole number of repeat purchases", code="E310")
    if np.any(t_x < 0) or np.any(t_x > big_t + 1e-9):
        raise MetricsError("recency must satisfy 0 <= recency <= T", code="E310")
    if np.any((x == 0) & (t_x != 0)):
        raise MetricsError("recency must be 0 for customers with frequency 0", code="E310")


@dataclass(frozen=True)
class BetaGeoParams:
    """Fitted BG/NBD parameters and the log-likelihood at the optimum."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int


def bgnbd_log_likelihood(params: Array, x: Array, t_x: Array, big_t: Array) -> Array:
    """Per-customer BG/NBD log-likelihood, eq. (6) of Fader, Hardie & Lee (2005), computed in log space."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + big_t)
    has = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            has, np.log(a) - np.log(np.where(has, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x), -np.inf
        )
    return np.asarray(a1 + a2 + np.logaddexp(a3, a4), dtype=np.float64)


def fit_bgnbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    weights: ArrayLike | None = None,  # noqa: N803
    initial: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
) -> BetaGeoParams:
    """Fit BG/NBD by maximum likelihood (L-BFGS-B on log-parameters, Nelder-Mead polish).

    ``weights`` (optional) are counts of identical (x, t_x, T) rows, to fit on a compressed table.
    """
    x, t_x, big_t = _arrays(frequency, recency, T)
    _check_rft(x, t_x, big_t)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    scale = float(w.sum())

    def nll(log_params: Array) -> float:
        ll = bgnbd_log_likelihood(np.exp(log_params), x, t_x, big_t)
        v = -float(np.dot(w, ll)) / scale
        return v if np.isfinite(v) else 1e12

    res = _minimise(nll, np.log(np.asarray(initial, dtype=np.float64)))
    r, alpha, a, b = np.exp(res.x)
    return BetaGeoParams(float(r), float(alpha), float(a), float(b), -float(res.fun) * scale, int(x.size))


def _minimise(fun: object, x0: Array) -> optimize.OptimizeResult:
    first = optimize.minimize(fun, x0, method="L-BFGS-B", bounds=[(-15.0, 15.0)] * x0.size)
    polish = optimize.minimize(
        fun, first.x, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 5000}
    )
    best = polish if polish.fun <= first.fun else first
    if not np.isfinite(best.fun) or best.fun >= 1e11:
        raise MetricsError(f"model fit did not converge: {best.message}", code="E311")
    return best


def bgnbd_probability_alive(
    params: BetaGeoParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> Array:  # noqa: N803
    """P(alive | x, t_x, T) = 1 / (1 + [x>0] * a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))."""
    x, t_x, big_t = _arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    has = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = (
            np.log(a)
            - np.log(np.where(has, b + x - 1, 1.0))
            + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        )
    return np.where(has, 1.0 / (1.0 + np.exp(log_term)), 1.0)


def bgnbd_expected_purchases(params: BetaGeoParams, t: float | ArrayLike) -> Array:
    """Expected purchases of a new customer in (0, t]: (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]."""
    tt = np.asarray(t, dtype=np.float64)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = tt / (alpha + tt)
    return np.asarray(
        (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + tt)) ** r * hyp2f1(r, b, a + b - 1, z)),
        dtype=np.float64,
    )


def bgnbd_conditional_expected_purchases(
    params: BetaGeoParams,
    t: float,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> Array:
    """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` time units, eq. (10) of FHL (2005)."""
    x, t_x, big_t = _arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + big_t + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return np.asarray(head * body * bgnbd_probability_alive(params, x, t_x, big_t), dtype=np.float64)


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma spend parameters and the log-likelihood at the optimum."""

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int

    @property
    def mean_spend(self) -> float:
        """Population mean of the average transaction value, p v / (q - 1) (infinite for q <= 1)."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("inf")


def gamma_gamma_log_likelihood(params: Array, x: Array, m: Array) -> Array:
    """Per-customer Gamma-Gamma log-likelihood of mean spend ``m`` over ``x`` transactions."""
    p, q, v = params
    px = p * x
    return np.asarray(
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(x * m + v),
        dtype=np.float64,
    )


def fit_gamma_gamma(
    frequency: ArrayLike, monetary_value: ArrayLike, *, initial: tuple[float, float, float] = (1.0, 1.0, 1.0)
) -> GammaGammaParams:
    """Fit Gamma-Gamma on customers with frequency > 0 and monetary_value > 0 (others are ignored)."""
    x, m = _arrays(frequency, monetary_value)
    keep = (x > 0) & (m > 0)
    if not np.any(keep):
        raise MetricsError(
            "Gamma-Gamma needs customers with repeat purchases and positive spend", code="E310"
        )
    x, m = x[keep], m[keep]
    scale = float(x.size)

    def nll(log_params: Array) -> float:
        v = -float(gamma_gamma_log_likelihood(np.exp(log_params), x, m).sum()) / scale
        return v if np.isfinite(v) else 1e12

    res = _minimise(nll, np.log(np.asarray(initial, dtype=np.float64)))
    p, q, v = np.exp(res.x)
    return GammaGammaParams(float(p), float(q), float(v), -float(res.fun) * scale, int(x.size))


def gamma_gamma_expected_spend(
    params: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike
) -> Array:
    """E[M | x, m_x] = p (v + x m_x) / (p x + q - 1): shrinks the observed mean towards the population mean."""
    x, m = _arrays(frequency, monetary_value)
    p, q, v = params.p, params.q, params.v
    return np.asarray(p * (v + x * m) / (p * x + q - 1), dtype=np.float64)


def model_clv(
    bg: BetaGeoParams,
    gg: GammaGammaParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
    monetary_value: ArrayLike,
    *,
    months: int = 12,
    units_per_month: float = 30.0,
    monthly_discount_rate: float = 0.01,
) -> Array:
    """Discounted CLV over ``months``: sum_i (E[Y(i)] - E[Y(i-1)]) * E[M] / (1 + d)^i (as in ``lifetimes``).

    ``units_per_month`` converts a month into the model's time unit (30 for days, 4.345 for weeks as in ``lifetimes``).
    """
    x, t_x, big_t = _arrays(frequency, recency, T)
    spend = gamma_gamma_expected_spend(gg, x, monetary_value)
    total = np.zeros_like(x)
    prev = np.zeros_like(x)
    for i in range(1, months + 1):
        cum = bgnbd_conditional_expected_purchases(bg, i * units_per_month, x, t_x, big_t)
        total += (cum - prev) * spend / (1 + monthly_discount_rate) ** i
        prev = cum
    return total
