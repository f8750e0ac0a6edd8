"""CX metrics and insights: pure-Python analytics over plain data (lists, numpy, pandas); no Django.

Modules (import from them directly; this package does not import scikit-learn eagerly):

* ``scores``: NPS (Wald / Rocks adjusted-Wald intervals), CSAT (Wilson), CES and star ratings (t interval).
* ``significance``: changes between two periods or groups (NPS z, CSAT two-proportion z, CES Welch t).
* ``grouped``: vectorised ``nps_by`` / ``csat_by`` / ``mean_by`` over a DataFrame.
* ``drivers``: key-driver analysis (NPS impact, Shapley/LMG and Johnson importance, driver matrix).
* ``trends``: time buckets and robust, seasonality-aware anomaly alerts.
* ``churn``: churn rate per period (cancellation or inactivity definitions), retention cohorts.
* ``churn_model``: churn-risk model (scikit-learn, chosen by cross-validated AUC) with per-customer factors.
* ``clv`` / ``clv_models``: simple CLV, RFM summary, BG/NBD and Gamma-Gamma.

Errors are ``resonanz.core.errors.MetricsError`` with codes E3xx. See docs/dev/metrics.md.
"""
