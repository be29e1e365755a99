// How a knowledge-base matter reads on a page (agent console and public chat alike): materials and where to go.
"use strict";

const KnowledgeView = (() => {
  const { el } = Hotline;

  // The materials list: required ones first as the caller must bring them, conditional ones marked 视情况.
  function materials(matter) {
    const items = matter.materials || [];
    if (!items.length) return el("p", { class: "muted" }, "该事项无需提交材料。");
    const required = items.filter((m) => m.required !== false);
    const conditional = items.filter((m) => m.required === false);
    return el("ol", { class: "materials" },
      required.map((m) => el("li", {}, m.text || m.name)),
      conditional.map((m) => el("li", { class: "material-conditional" },
        el("span", { class: "tag" }, "视情况"), m.text || m.name)));
  }

  function facts(matter) {
    const limit = (matter.time_limit || {}).promised_days;
    const rows = [
      ["承办单位", matter.department_name || matter.department],
      ["办理地点", matter.location && matter.location + (matter.hours ? "（" + matter.hours + "）" : "")],
      ["承诺时限", limit && limit + " 个工作日"],
      ["收费", matter.fee],
      ["最多跑一次", matter.max_one_visit ? "是" : null],
    ].filter(([, value]) => value);
    return el("dl", { class: "facts" }, rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  // A matter in full: title, materials, then the practical facts.
  function matter(m) {
    return el("div", { class: "matter", dataset: { code: m.code } },
      el("h3", { class: "matter-title" }, m.title),
      el("div", { class: "section-title" }, "申请材料"),
      materials(m),
      facts(m));
  }

  return { matter, materials, facts };
})();
