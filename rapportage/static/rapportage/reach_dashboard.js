// The dashboard's three charts, drawn by the vendored Chart.js from the page's JSON data.
// Each chart has a table next to it with the same figures, so the charts are decoration
// for those who can see them; hidden (small) counts are gaps in the chart.
(function () {
  "use strict";
  var source = document.getElementById("reach-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#adb5bd"];

  function datasets(chart, fill) {
    return chart.datasets.map(function (dataset, index) {
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: colours[index % colours.length],
        borderColor: colours[index % colours.length],
        fill: fill,
        spanGaps: false,
      };
    });
  }

  function draw(id, type, chart, options) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    new Chart(canvas, {
      type: type,
      data: { labels: chart.labels, datasets: datasets(chart, false) },
      options: Object.assign(
        {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
        options || {}
      ),
    });
  }

  draw("chart-schools", "bar", data.schools);
  draw("chart-themes", "bar", data.themes, {
    indexAxis: "y",
    plugins: { legend: { display: false } },
    scales: {
      x: { beginAtZero: true, ticks: { precision: 0 } },
      // Every theme gets its label (Chart.js would skip every other one to save room).
      y: { ticks: { autoSkip: false, font: { size: 12 } } },
    },
  });
  draw("chart-months", "line", data.months);
})();
