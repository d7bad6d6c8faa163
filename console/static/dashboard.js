/* Draws the dashboard's charts with Chart.js from the JSON the server embedded. */
(function () {
  "use strict";
  var el = document.getElementById("dashboard-data");
  if (!el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var palette = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777",
                 "#65a30d", "#ea580c", "#475569"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  function colours(n) {
    var out = [];
    for (var i = 0; i < n; i++) { out.push(palette[i % palette.length]); }
    return out;
  }
  function draw(id, type, series, options) {
    var canvas = document.getElementById(id);
    if (!canvas) { return null; }
    var horizontal = options && options.indexAxis === "y";
    return new Chart(canvas, {
      type: type,
      data: {
        labels: series.labels,
        datasets: [{
          label: series.series || "",
          data: series.values,
          backgroundColor: type === "line" ? "rgba(37,99,235,0.15)" : colours(series.values.length),
          borderColor: type === "line" ? "#2563eb" : undefined,
          fill: type === "line",
          tension: 0.2
        }]
      },
      options: Object.assign({
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: type === "doughnut" } },
        scales: type === "doughnut" ? {} : (horizontal ?
          { x: { beginAtZero: true } } : { y: { beginAtZero: true, ticks: { precision: 0 } } })
      }, options || {})
    });
  }
  draw("chart-by-day", "line", data.by_day);
  draw("chart-by-channel", "doughnut", data.by_channel);
  draw("chart-by-family", "bar", data.by_family);
  var sla = draw("chart-sla", "doughnut", data.sla);
  if (sla) { sla.data.datasets[0].backgroundColor = ["#16a34a", "#dc2626"]; sla.update(); }
  draw("chart-state-hours", "bar", data.state_hours, { indexAxis: "y" });
  draw("chart-ratings", "bar", data.ratings);
  draw("chart-top-services", "bar", data.top_services, { indexAxis: "y" });
})();
