"""Plotly figure specs (plain dicts, rendered by plotly.js from the installed package) for the insights pages.

Every clickable point carries its drill-down url in ``customdata``; ``static/insights/insights.js`` sends the
browser there on ``plotly_click``. Texts are passed as data (plotly.js escapes them), never as HTML.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

BLUE, RED, GREEN, GREY = "#2456c7", "#c0392b", "#1e8449", "#7f8c8d"
_BASE_LAYOUT = {"margin": {"l": 50, "r": 20, "t": 20, "b": 40}, "height": 300, "hovermode": "closest",
                "font": {"family": "system-ui, sans-serif", "size": 12}, "showlegend": False,
                "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}


def _layout(**kw: Any) -> dict[str, Any]:
    return {**_BASE_LAYOUT, **kw}


def nps_trend(rows: list[dict[str, Any]]) -> dict[str, Any]:
    x = [r["bucket"].isoformat() for r in rows]
    band_x = x + x[::-1]
    band_y = [r["high"] for r in rows] + [r["low"] for r in rows][::-1]
    return {
        "data": [
            {"x": band_x, "y": band_y, "fill": "toself", "fillcolor": "rgba(36,86,199,0.15)", "line": {"width": 0},
             "hoverinfo": "skip", "type": "scatter", "name": _("95-%-Intervall")},
            {"x": x, "y": [r["nps"] for r in rows], "type": "scatter", "mode": "lines+markers", "name": "NPS",
             "line": {"color": BLUE}, "customdata": [r["url"] for r in rows],
             "text": [f"n = {r['n']}" + (" · " + _("kleine Stichprobe") if r["low_sample"] else "") for r in rows],
             "hovertemplate": "%{x}: NPS %{y:.0f}<br>%{text}<extra></extra>",
             "marker": {"symbol": ["circle-open" if r["low_sample"] else "circle" for r in rows], "size": 8}},
        ],
        "layout": _layout(yaxis={"range": [-100, 100], "title": "NPS"}),
    }


def hbar(rows: list[dict[str, Any]], *, value: str = "volume", color: str = BLUE, title: str = "") -> dict[str, Any]:
    rows = rows[::-1]
    return {
        "data": [{"type": "bar", "orientation": "h", "x": [r[value] for r in rows],
                  "y": [str(r["label"]) for r in rows], "customdata": [r["url"] for r in rows],
                  "marker": {"color": color}, "hovertemplate": "%{y}: %{x}<extra></extra>"}],
        "layout": _layout(height=max(160, 28 * len(rows) + 60), margin={"l": 160, "r": 20, "t": 10, "b": 40},
                          xaxis={"title": title}),
    }


def impact_bars(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rows = sorted(rows, key=lambda r: r["impact"])[::-1]
    return {
        "data": [{"type": "bar", "orientation": "h", "x": [r["impact"] for r in rows],
                  "y": [str(r["label"]) for r in rows], "customdata": [r["url"] for r in rows],
                  "marker": {"color": [RED if r["impact"] < 0 else GREEN for r in rows]},
                  "hovertemplate": "%{y}: %{x:+.1f} " + _("NPS-Punkte") + "<extra></extra>"}],
        "layout": _layout(height=max(160, 26 * len(rows) + 60), margin={"l": 170, "r": 20, "t": 10, "b": 40},
                          xaxis={"title": _("NPS-Einfluss (Punkte)"), "zeroline": True}),
    }


def driver_matrix(rows: list[dict[str, Any]], overall_nps: float | None) -> dict[str, Any]:
    pts = [r for r in rows if r["nps_with"] is not None]
    colors = {"fix first": RED, "keep strength": GREEN, "maintain": BLUE, "monitor": GREY}
    k = max(len(pts), 1)
    shapes = [{"type": "line", "x0": 100.0 / k, "x1": 100.0 / k, "yref": "paper", "y0": 0, "y1": 1,
               "line": {"dash": "dot", "color": GREY}}]
    if overall_nps is not None:
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": overall_nps, "y1": overall_nps,
                       "line": {"dash": "dot", "color": GREY}})
    return {
        "data": [{"type": "scatter", "mode": "markers+text", "x": [r["importance"] for r in pts],
                  "y": [r["nps_with"] for r in pts],
                  "text": [str(r["label"]) if r["importance"] > 100.0 / k else "" for r in pts],
                  "hovertext": [str(r["label"]) for r in pts],
                  "textposition": "top center", "customdata": [r["url"] for r in pts],
                  "marker": {"size": [8 + min(22, r["volume"] ** 0.5 / 2) for r in pts],
                             "color": [colors.get(r["quadrant"], GREY) for r in pts]},
                  "hovertemplate": "%{hovertext}<br>" + _("Wichtigkeit") + " %{x:.1f} %<br>NPS %{y:.0f}<extra></extra>"}],
        "layout": _layout(height=380, shapes=shapes, xaxis={"title": _("Wichtigkeit (Anteil an R², %)")},
                          yaxis={"title": _("Leistung: NPS der Antworten mit Thema")}),
    }


def monthly_lines(rows: list[dict[str, Any]], series: list[tuple[str, str, str]], *, y2: str | None = None) -> dict[str, Any]:
    x = [r["bucket"].isoformat() for r in rows]
    data = []
    for key, name, color in series:
        trace = {"x": x, "y": [r[key] for r in rows], "type": "scatter", "mode": "lines+markers", "name": name,
                 "line": {"color": color}, "customdata": [r["url"] for r in rows]}
        if key == y2:
            trace["yaxis"] = "y2"
        data.append(trace)
    layout = _layout(showlegend=True, legend={"orientation": "h", "y": -0.2})
    if y2:
        layout["yaxis2"] = {"overlaying": "y", "side": "right", "range": [0, 100], "title": "%"}
    return {"data": data, "layout": layout}


def histogram(values: list[float], *, title: str, url: str = "") -> dict[str, Any]:
    return {"data": [{"type": "histogram", "x": values, "nbinsx": 40, "marker": {"color": BLUE}}],
            "layout": _layout(xaxis={"title": title}, yaxis={"title": _("Kunden")})}


def heatmap(matrix: list[list[float | None]], rows: list[str], cols: list[str]) -> dict[str, Any]:
    return {
        "data": [{"type": "heatmap", "z": matrix, "x": cols, "y": rows, "colorscale": [[0, "#c0392b"], [0.5, "#f7e7a1"], [1, "#1e8449"]], "zmin": 50, "zmax": 100,
                  "hovertemplate": "%{y} · " + _("Monat") + " %{x}: %{z:.0f} %<extra></extra>"}],
        "layout": _layout(height=max(240, 22 * len(rows) + 80), margin={"l": 70, "r": 20, "t": 10, "b": 40},
                          xaxis={"title": _("Monate seit Erstkontakt")}, yaxis={"autorange": "reversed"}),
    }
