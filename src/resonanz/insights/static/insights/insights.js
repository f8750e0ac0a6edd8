// Insights charts: render the plotly specs of the page (json_script "insights-figs") and send clicks on a
// point to its drill-down url (customdata). Re-runs after htmx swaps the page body (filter bar).
(function () {
  "use strict";
  function render(root) {
    var holder = (root || document).querySelector("#insights-figs");
    if (!holder || typeof Plotly === "undefined") return;
    var figs = JSON.parse(holder.textContent || "{}");
    Object.keys(figs).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) return;
      var fig = figs[id];
      Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true,
        modeBarButtonsToRemove: ["select2d", "lasso2d"]});
      el.on("plotly_click", function (ev) {
        var p = ev && ev.points && ev.points[0];
        var url = p && p.customdata;
        if (typeof url === "string" && url.charAt(0) === "/") window.location.href = url;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function () { render(document); });
})();
