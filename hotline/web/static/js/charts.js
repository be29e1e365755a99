// The supervisor's charts, drawn with the ECharts build the app serves from /static/vendor (no CDN).
"use strict";

const DashboardCharts = (() => {
  const { el } = Hotline;
  const FONT = "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif";
  const BLUE = "#0f4c9c";
  const GREY = "#9aa5b1";
  const charts = [];

  function available(container) {
    if (typeof echarts !== "undefined") return true;
    container.replaceChildren(el("p", { class: "empty" }, "图表组件未安装（运行 make install）。"));
    return false;
  }

  function draw(container, option) {
    if (!available(container)) return null;
    const chart = echarts.getInstanceByDom(container) || echarts.init(container, null, { renderer: "canvas" });
    if (!charts.includes(chart)) charts.push(chart);
    chart.setOption({ textStyle: { fontFamily: FONT }, animation: false, ...option }, true);
    return chart;
  }

  // Tickets per status: one bar each, so a pile-up in one status stands out.
  function statusBars(container, entries) {
    return draw(container, {
      grid: { left: 40, right: 16, top: 24, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: entries.map(([name]) => name), axisTick: { alignWithLabel: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "工单数", data: entries.map(([, count]) => count), itemStyle: { color: BLUE },
        label: { show: true, position: "top" }, barMaxWidth: 36 }],
    });
  }

  // Rates in percent for this period against the previous one; a rate with nothing to measure stays empty.
  function rateBars(container, names, current, previous) {
    const asPercent = (values) => values.map((v) => (v === null || v === undefined ? "-" : Math.round(v * 1000) / 10));
    return draw(container, {
      grid: { left: 44, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, data: ["本期", "上期"] },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v === "-" || v === undefined ? "无数据" : v + "%") },
      xAxis: { type: "category", data: names },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { type: "bar", name: "本期", data: asPercent(current), itemStyle: { color: BLUE }, barMaxWidth: 28,
          label: { show: true, position: "top", formatter: "{c}%" } },
        { type: "bar", name: "上期", data: asPercent(previous), itemStyle: { color: GREY }, barMaxWidth: 28 },
      ],
    });
  }

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));

  return { statusBars, rateBars };
})();
