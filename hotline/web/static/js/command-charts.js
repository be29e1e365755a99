// The command view's charts and the city map, drawn with the ECharts build and the 温州市 GeoJSON the app serves
// from /static/vendor (no CDN). Every chart calls back with what was clicked, so the page can open its tickets.
"use strict";

const CommandCharts = (() => {
  const { el } = Hotline;
  const FONT = "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif";
  const COLORS = ["#0f4c9c", "#2e9d62", "#e69500", "#c62828", "#6a4fb3", "#0097a7", "#8d6e63", "#546e7a"];
  const MAP_NAME = "温州";
  // 龙港市 (2019) is not in the map data: it lies inside 苍南县's shape there, so it is drawn as a point.
  const LONGGANG = { name: "龙港市", coord: [120.553, 27.578] };
  const charts = [];
  let mapReady = null;

  function available(container) {
    if (typeof echarts !== "undefined") return true;
    container.replaceChildren(el("p", { class: "empty" }, "图表组件未安装（运行 make install）。"));
    return false;
  }

  function draw(container, option, onClick) {
    if (!available(container)) return null;
    const chart = echarts.getInstanceByDom(container) || echarts.init(container, null, { renderer: "canvas" });
    if (!charts.includes(chart)) charts.push(chart);
    chart.setOption({ textStyle: { fontFamily: FONT }, color: COLORS, animation: false, ...option }, true);
    chart.off("click");
    if (onClick) chart.on("click", onClick);
    container.dataset.drawn = "true";
    return chart;
  }

  function empty(container, text) {
    return draw(container, {
      graphic: [{ type: "text", left: "center", top: "middle", style: { text, fill: "#66727f", fontSize: 14 } }],
    });
  }

  const pct = (v) => (v === null || v === undefined ? "-" : Math.round(v * 1000) / 10);
  const shortDay = (iso) => iso.slice(5);

  // Contacts per day, one stacked bar per channel.
  function channels(container, trends, onClick) {
    if (!trends.channels.length) return empty(container, "本期暂无受理");
    return draw(container, {
      grid: { left: 40, right: 12, top: 36, bottom: 28 },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: trends.days.map(shortDay) },
      yAxis: { type: "value", minInterval: 1 },
      series: trends.channels.map((c) => ({ type: "bar", stack: "contacts", name: c.label, data: c.contacts,
        barMaxWidth: 28, cursor: "pointer" })),
    }, (p) => onClick({ day: trends.days[p.dataIndex], channel: trends.channels[p.seriesIndex].code }));
  }

  const WEEKLY = [["response_rate", "响应率"], ["resolution_rate", "解决率"], ["satisfaction_rate", "满意率"],
    ["callback_rate", "回访率"]];

  // The three rates and 回访率 per week, in percent; a week with nothing to measure leaves a gap.
  function weekly(container, trends, onClick) {
    return draw(container, {
      grid: { left: 44, right: 16, top: 36, bottom: 28 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v === "-" || v === undefined ? "无数据" : v + "%") },
      xAxis: { type: "category", data: trends.weeks.map((w) => shortDay(w.week) + "周") },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: WEEKLY.map(([key, name]) => ({ type: "line", name, data: trends.weeks.map((w) => pct(w[key])),
        connectNulls: false, symbolSize: 7, cursor: "pointer" })),
    }, (p) => onClick({ week: trends.weeks[p.dataIndex].week, figure: WEEKLY[p.seriesIndex][0] }));
  }

  // Top categories this period against the previous one.
  function categories(container, trends, onClick) {
    if (!trends.categories.length) return empty(container, "本期暂无已分类的诉求");
    const rows = trends.categories.slice().reverse();
    return draw(container, {
      grid: { left: 96, right: 48, top: 28, bottom: 20 },
      legend: { top: 0, data: ["本期", "上期"] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: (items) => {
        const row = rows[items[0].dataIndex];
        const change = row.change === null ? "上期无" : (row.change >= 0 ? "+" : "") + Math.round(row.change * 1000) / 10 + "%";
        return row.category + "<br>本期 " + row.contacts + " 件，上期 " + row.previous + " 件（" + change + "）";
      } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map((r) => r.category) },
      series: [
        { type: "bar", name: "本期", data: rows.map((r) => r.contacts), barMaxWidth: 14, cursor: "pointer",
          label: { show: true, position: "right" } },
        { type: "bar", name: "上期", data: rows.map((r) => r.previous), barMaxWidth: 14, itemStyle: { color: "#9aa5b1" } },
      ],
    }, (p) => onClick({ category: rows[p.dataIndex].category }));
  }

  // Online contacts answered within 3 minutes per day (bars, against 100 %) and the mean minutes (line).
  function online(container, trends, onClick) {
    if (!trends.online.some((d) => d.contacts)) return empty(container, "本期暂无网络渠道诉求");
    return draw(container, {
      grid: { left: 44, right: 48, top: 36, bottom: 28 },
      legend: { top: 0, data: ["3分钟内响应率", "平均响应（分钟）"] },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: trends.days.map(shortDay) },
      yAxis: [
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        { type: "value", name: "分钟", minInterval: 1, max: (extent) => Math.max(5, extent.max) },
      ],
      series: [
        { type: "bar", name: "3分钟内响应率", data: trends.online.map((d) => pct(d.rate)), barMaxWidth: 24,
          cursor: "pointer", markLine: { symbol: "none", data: [{ yAxis: 100, name: "目标" }],
            lineStyle: { color: "#2e7d32", type: "dashed" }, label: { formatter: "目标 100%", position: "insideEndTop" } } },
        { type: "line", name: "平均响应（分钟）", yAxisIndex: 1,
          data: trends.online.map((d) => (d.mean_minutes === null ? "-" : d.mean_minutes)),
          markLine: { symbol: "none", data: [{ yAxis: 3 }], lineStyle: { color: "#c62828", type: "dotted" },
            label: { formatter: "3 分钟", position: "insideEndTop" } } },
      ],
    }, (p) => onClick({ day: trends.days[p.dataIndex] }));
  }

  function loadMap() {
    mapReady = mapReady || fetch("/static/vendor/wenzhou.geojson", { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error("map " + response.status);
        return response.json();
      })
      .then((geo) => { echarts.registerMap(MAP_NAME, geo); return true; })
      .catch(() => false);
    return mapReady;
  }

  const MAP_METRICS = {
    contacts: { name: "受理量", format: (v) => v + " 件", colors: ["#e8f0fb", "#0f4c9c"] },
    overdue: { name: "当前超期", format: (v) => v + " 件", colors: ["#fdf3e7", "#c62828"] },
    satisfaction_rate: { name: "满意率", format: (v) => v + "%", colors: ["#c62828", "#f5e6a8", "#2e7d32"] },
  };

  // A choropleth of the districts; a click names the district. `chosen` is outlined.
  async function cityMap(container, city, metric, chosen, onClick) {
    if (!available(container)) return null;
    if (!(await loadMap())) {
      container.replaceChildren(el("p", { class: "empty" }, "地图数据未安装（运行 make install）。"));
      return null;
    }
    const spec = MAP_METRICS[metric];
    const value = (d) => (metric === "satisfaction_rate" ? (d.satisfaction_rate === null ? null : pct(d.satisfaction_rate)) : d[metric]);
    const known = city.districts.map(value).filter((v) => v !== null);
    const low = metric === "satisfaction_rate" ? Math.min(80, ...known) : 0;
    const high = metric === "satisfaction_rate" ? 100 : Math.max(1, ...known);
    const byName = new Map(city.districts.map((d) => [d.name, d]));
    const longgang = byName.get(LONGGANG.name);
    return draw(container, {
      tooltip: { trigger: "item", formatter: (p) => {
        const d = byName.get(p.name);
        if (!d) return p.name;
        const satisfaction = d.satisfaction_rate === null ? "无回访" : pct(d.satisfaction_rate) + "%";
        return d.name + "<br>受理 " + d.contacts + " 件<br>当前超期 " + d.overdue + " 件<br>满意率 " + satisfaction;
      } },
      visualMap: { min: low, max: high, calculable: false, orient: "horizontal", left: "center", bottom: 4,
        text: [String(high) + (metric === "satisfaction_rate" ? "%" : ""), String(low)], inRange: { color: spec.colors },
        itemHeight: 120, textStyle: { fontSize: 11 } },
      geo: { map: MAP_NAME, roam: false, top: 10, bottom: 40, label: { show: true, fontSize: 10, color: "#1f2933" },
        itemStyle: { borderColor: "#fff", borderWidth: 1, areaColor: "#eef0f3" },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#ffd479" } },
        regions: chosen ? [{ name: chosen, itemStyle: { borderColor: "#0a3671", borderWidth: 3 } }] : [] },
      series: [
        { type: "map", geoIndex: 0, name: spec.name, data: city.districts.filter((d) => d.name !== LONGGANG.name)
          .map((d) => ({ name: d.name, value: value(d) === null ? NaN : value(d) })) },
        { type: "scatter", coordinateSystem: "geo", name: spec.name, symbolSize: 16, cursor: "pointer",
          label: { show: true, formatter: LONGGANG.name, position: "right", fontSize: 10, color: "#1f2933" },
          itemStyle: { borderColor: chosen === LONGGANG.name ? "#0a3671" : "#fff", borderWidth: chosen === LONGGANG.name ? 3 : 1 },
          data: longgang ? [{ name: LONGGANG.name, value: [...LONGGANG.coord, value(longgang) === null ? NaN : value(longgang)] }] : [] },
      ],
    }, (p) => {
      const d = byName.get(p.name);
      if (d) onClick(d);
    });
  }

  // The chosen district's streets and towns by contacts (the finest place the addresses give).
  function streets(container, city, onClick) {
    if (!city.district) return empty(container, "在地图上点击区县，查看其街道（乡镇）");
    const rows = city.streets.filter((s) => s.contacts || s.overdue).slice(0, 15).reverse();
    if (!rows.length) return empty(container, "本期该区县暂无定位到街道的诉求");
    return draw(container, {
      grid: { left: 96, right: 36, top: 28, bottom: 20 },
      legend: { top: 0, data: ["受理量", "当前超期"] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map((s) => s.name) },
      series: [
        { type: "bar", name: "受理量", data: rows.map((s) => s.contacts), barMaxWidth: 14, cursor: "pointer",
          label: { show: true, position: "right" } },
        { type: "bar", name: "当前超期", data: rows.map((s) => s.overdue), barMaxWidth: 14, itemStyle: { color: "#c62828" } },
      ],
    }, (p) => onClick(rows[p.dataIndex], p.seriesName === "当前超期"));
  }

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));

  return { channels, weekly, categories, online, cityMap, streets, MAP_METRICS };
})();
