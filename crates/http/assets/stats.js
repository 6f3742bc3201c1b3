// Charts of the statistics dashboard, drawn with the vendored Apache ECharts from the JSON
// data block on the page. Progressive enhancement only: the tables beside each chart hold
// the exact figures and the page reads fully without this file.
(function () {
  "use strict";
  // The public weekly index (/open/stats): the area's totals by week; a suppressed week is a gap.
  var open = document.getElementById("open-data");
  if (open && window.echarts) {
    try {
      var o = JSON.parse(open.textContent);
      var box = document.getElementById("chart-open-weeks");
      if (box && o.weeks && o.weeks.length) {
        box.classList.add("on");
        var c = window.echarts.init(box);
        c.setOption({
          color: ["#b3121b", "#1f5fbf"],
          textStyle: { fontFamily: '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' },
          animation: false,
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
          xAxis: { type: "category", data: o.weeks, axisLabel: { rotate: o.weeks.length > 4 ? 30 : 0 } },
          yAxis: { type: "value" },
          series: [
            { name: "新发布岗位", type: "line", data: o.posts, symbolSize: 8, connectNulls: false },
            { name: "录用人次", type: "line", data: o.hires, symbolSize: 8, lineStyle: { type: "dashed" }, connectNulls: false }
          ]
        });
        window.addEventListener("resize", function () { c.resize(); });
      }
    } catch (e) { /* the table holds the figures */ }
  }
  var el = document.getElementById("stats-data");
  if (!el || !window.echarts) return;
  var data;
  try { data = JSON.parse(el.textContent); } catch (e) { return; }
  var font = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var colours = ["#b3121b", "#1f5fbf", "#2e7d32", "#a15c00", "#6a1b9a", "#00838f"];
  var charts = [];

  function draw(id, option) {
    var box = document.getElementById(id);
    if (!box) return;
    box.classList.add("on");
    var c = window.echarts.init(box);
    option.color = colours;
    option.textStyle = { fontFamily: font };
    option.animation = false;
    option.tooltip = option.tooltip || { trigger: "axis" };
    option.grid = option.grid || { left: 8, right: 16, top: 40, bottom: 8, containLabel: true };
    c.setOption(option);
    charts.push(c);
  }
  function pick(list, key) { return list.map(function (r) { return r[key]; }); }

  if (data.regions && data.regions.length) {
    draw("chart-regions", {
      legend: { top: 0 },
      xAxis: { type: "category", data: pick(data.regions, "name"), axisLabel: { interval: 0, rotate: data.regions.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", name: "人" },
      series: [
        { name: "灵活就业人数", type: "bar", data: pick(data.regions, "people") },
        { name: "年度目标", type: "bar", data: data.regions.map(function (r) { return r.target === null ? "-" : r.target; }) }
      ]
    });
  }
  if (data.months && data.months.length) {
    draw("chart-months", {
      legend: { top: 0 },
      xAxis: { type: "category", data: data.months.map(function (m) { return m.month.slice(5) + "月"; }) },
      yAxis: { type: "value" },
      series: [
        { name: "发布岗位", type: "line", data: pick(data.months, "posts"), symbolSize: 8 },
        { name: "录用人次", type: "line", data: pick(data.months, "hires"), symbolSize: 8, lineStyle: { type: "dashed" } }
      ]
    });
  }
  if (data.forms && data.forms.length) {
    draw("chart-forms", {
      tooltip: { trigger: "item" },
      legend: { top: 0 },
      series: [{
        name: "发布岗位", type: "pie", radius: ["35%", "65%"], top: 30,
        label: { formatter: "{b}：{c}（{d}%）" },
        data: data.forms.map(function (f) { return { name: f.name, value: f.posts }; })
      }]
    });
  }
  if (data.occupations && data.occupations.length) {
    var occ = data.occupations.slice().reverse();
    draw("chart-occupations", {
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: occ.map(function (o) { return o.new ? o.name + "（新职业）" : o.name; }) },
      series: [
        { name: "发布岗位", type: "bar", data: occ.map(function (o) {
          return { value: o.posts, itemStyle: o.new ? { color: "#1f5fbf", decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [4, 3], rotation: -0.785 } } : undefined };
        }) },
        { name: "录用人次", type: "bar", data: pick(occ, "hires"), itemStyle: { color: "#777" } }
      ]
    });
  }
  if (data.outcomes && data.outcomes.length) {
    draw("chart-outcomes", {
      legend: { top: 0 },
      xAxis: { type: "category", data: pick(data.outcomes, "name") },
      yAxis: [{ type: "value", name: "人" }, { type: "value", name: "天" }],
      series: [
        { name: "录用人数", type: "bar", data: pick(data.outcomes, "people") },
        { name: "从发布到录用天数（中位数）", type: "bar", yAxisIndex: 1, data: data.outcomes.map(function (o) { return o.days === null ? "-" : o.days; }) }
      ]
    });
  }
  function bars(id, list, series) {
    if (!list || !list.length) return;
    draw(id, {
      legend: { top: 0 },
      xAxis: { type: "category", data: pick(list, "name"), axisLabel: { interval: 0 } },
      yAxis: { type: "value" },
      series: series.map(function (s) { return { name: s[1], type: "bar", data: pick(list, s[0]) }; })
    });
  }
  bars("chart-registrations", data.registrations, [["started", "本年新登记"], ["open", "当前有效登记"]]);
  if (data.funnel && data.funnel.length) {
    // One funnel per benefit that has any figure: 符合条件 -> 已告知 -> 已申请 -> 已批准 -> 已发放.
    var stages = ["符合条件", "已告知本人", "已申请", "已批准", "已发放"];
    var active = data.funnel.filter(function (f) { return f.stages.some(function (v) { return v > 0; }); });
    if (active.length) {
      draw("chart-funnel", {
        legend: { top: 0 },
        xAxis: { type: "category", data: stages },
        yAxis: { type: "value" },
        series: active.map(function (f) { return { name: f.name, type: "bar", data: f.stages }; })
      });
    }
  }
  bars("chart-complaints", data.complaints, [["received", "本年收到"], ["resolved", "本年办结"]]);
  bars("chart-services", data.services, [["joined", "报名人次"], ["attended", "结业或签到人次"]]);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
