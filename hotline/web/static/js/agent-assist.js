// What helps the agent during a call: matching knowledge as they type, the caller's earlier tickets, and the
// models' suggestions for a filed ticket with one click (or Alt+1..3) to accept them.
"use strict";

const AgentAssist = (() => {
  const { api, el, label, formatTime, toast, departments } = Hotline;
  const TYPING_PAUSE_MS = 400;
  const MIN_TEXT = 6;  // fewer characters than this say too little to search on
  const HEAD_LABELS = { type: "类型", category: "业务分类", urgency: "紧急程度" };
  const REASON_SOURCES = { matter: "事项", keyword: "关键词", duty: "权责清单", model: "模型", fallback: "兜底" };
  let routes = [];

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  // Only the newest request may paint: an older answer arriving late is dropped.
  function latestOnly(load) {
    let generation = 0;
    return async (...args) => {
      const mine = ++generation;
      const result = await load(...args);
      return mine === generation ? result : undefined;
    };
  }

  function panelBody(id) {
    return document.querySelector("#" + id + " .panel-body");
  }

  function percent(value) {
    return Math.round(value * 100) + "%";
  }

  // ---- knowledge while the caller speaks ----

  const fetchKnowledge = latestOnly((text) => api("POST", "/api/v1/knowledge/suggestions", { text }));

  function useAsAnswer(text) {
    const box = document.querySelector("#answer-form textarea[name=content]");
    if (!box) {
      toast("当前工单不能直接答复；请先登记来电。", "error");
      return;
    }
    box.value = text;
    box.focus();
  }

  async function showMatter(code, box) {
    const matter = await api("GET", "/api/v1/knowledge/matters/" + encodeURIComponent(code));
    box.replaceChildren(KnowledgeView.matter(matter));
  }

  function answerBlock(answer) {
    const box = el("div", { class: "kb-answer kb-" + answer.kind });
    if (answer.kind === "matter") {
      box.append(KnowledgeView.matter(answer.matter));
    } else if (answer.kind === "clarify") {
      box.append(el("p", {}, answer.message), el("div", { class: "chips" }, answer.options.map((option) =>
        el("button", { type: "button", class: "chip", dataset: { code: option.code },
          onclick: () => showMatter(option.code, box).catch((error) => toast(error.message, "error")) },
        option.sub_item || option.title))));
    } else if (answer.kind === "article") {
      box.append(el("h3", { class: "matter-title" }, answer.article.question), el("p", { class: "pre" }, answer.message));
    } else {
      box.append(el("p", { class: "muted" }, "知识库中没有确切匹配的答案。"));
    }
    if (answer.kind === "matter" || answer.kind === "article") {
      box.append(el("button", { type: "button", class: "btn btn-small", onclick: () => useAsAnswer(answer.message) },
        "填入直接答复"));
    }
    return box;
  }

  function resultsBlock(results, departmentName) {
    if (!results.length) return "";
    return el("div", { class: "kb-results" }, el("div", { class: "section-title" }, "相关知识"),
      el("ol", {}, results.map((r) => el("li", { dataset: { code: r.code } },
        el("div", { class: "kb-result-title" }, r.title,
          r.department ? el("span", { class: "muted" }, " · " + departmentName(r.department)) : null),
        r.passage ? el("div", { class: "kb-passage" }, r.passage) : null))));
  }

  async function refreshKnowledge(text) {
    const body = panelBody("knowledge-panel");
    try {
      const [found, depts] = await Promise.all([fetchKnowledge(text), departments()]);
      if (!found) return;
      body.replaceChildren(answerBlock(found.answer), resultsBlock(found.results, depts.name));
    } catch (error) {
      toast(error.message, "error");
    }
  }

  function watchCallForm(form) {
    const spoken = () => [form.elements.title.value, form.elements.content.value].map((s) => s.trim()).filter(Boolean).join("\n");
    const onType = debounce(() => {
      const text = spoken();
      if (text.length >= MIN_TEXT) refreshKnowledge(text);
    }, TYPING_PAUSE_MS);
    form.elements.content.addEventListener("input", onType);
    form.elements.title.addEventListener("input", onType);
    form.elements.phone.addEventListener("input", debounce(() => showHistory(form.elements.phone.value), TYPING_PAUSE_MS));
  }

  // ---- the caller's earlier tickets ----

  const fetchHistory = latestOnly((phone) => api("GET", "/api/v1/tickets?" + new URLSearchParams({ q: phone, page_size: "10" })));
  let lastPhone = "";

  async function showHistory(raw) {
    const phone = raw.replace(/\D/g, "");
    if (phone.length !== 11 || phone === lastPhone) return;
    lastPhone = phone;
    const body = panelBody("history-panel");
    try {
      const page = await fetchHistory(phone);
      if (!page) return;
      body.replaceChildren(page.items.length
        ? el("ul", { class: "history" }, page.items.map((t) => el("li", { tabindex: "0", dataset: { number: t.ticket_number } },
          el("span", { class: "ticket-link" }, t.ticket_number),
          el("span", { class: "badge status-" + t.status }, label("status", t.status)),
          el("span", { class: "muted" }, formatTime(t.received_at)),
          el("div", { class: "history-text" }, t.title || t.excerpt))))
        : el("p", { class: "empty" }, page.withheld ? "该号码没有可直接显示的历史工单。" : "该号码没有历史工单。"),
      page.total > page.items.length ? el("p", { class: "muted" }, "共 " + page.total + " 张，显示最近 " + page.items.length + " 张。") : "",
      page.withheld ? el("p", { class: "muted", id: "history-withheld" }, "另有 " + page.withheld
        + " 张保密工单与该号码相关，未显示；如确需查看，请在下方“工单查询”中说明理由。") : "");
    } catch (error) {
      toast(error.message, "error");
    }
  }

  // ---- the models' suggestions for a filed ticket ----

  function setSelect(selector, value, what) {
    const select = document.querySelector(selector);
    if (!select || ![...select.options].some((o) => o.value === value)) {
      toast("当前工单不能采用该" + what + "建议。", "error");
      return false;
    }
    select.value = value;
    select.focus();
    return true;
  }

  function acceptRoute(index) {
    const route = routes[index];
    if (route && setSelect("#dispatch-form select[name=department]", route.department_code, "承办单位")) {
      toast("已选择主办单位：" + route.department_name + "，确认后派单", "success");
    }
  }

  function acceptLabel(head, value) {
    if (setSelect("#classify-form select[name=" + head + "]", value, HEAD_LABELS[head])) {
      toast("已填入" + HEAD_LABELS[head] + "：" + (head === "category" ? value : label(head, value)) + "，确认后提交", "success");
    }
  }

  function classificationBlock(heads) {
    if (!heads.length) return el("p", { class: "empty" }, "未加载分类模型，请人工确认类型与分类。");
    return el("div", { class: "suggest-heads" }, heads.map((h) => el("div", { class: "suggest-head", dataset: { head: h.head } },
      el("span", { class: "suggest-head-name" }, HEAD_LABELS[h.head] || h.head),
      h.abstain ? el("span", { class: "tag tag-warning" }, "低置信，请人工判断") : null,
      el("div", { class: "chips" }, h.top3.map(([value, confidence], i) => el("button", {
        type: "button", class: "chip" + (i === 0 && !h.abstain ? " chip-best" : ""), dataset: { head: h.head, value },
        onclick: () => acceptLabel(h.head, value),
      }, (h.head === "category" ? value : label(h.head, value)) + " " + percent(confidence)))))));
  }

  function routesBlock() {
    if (!routes.length) return el("p", { class: "empty" }, "暂无承办单位建议。");
    return el("ol", { class: "routes" }, routes.slice(0, 5).map((r, i) => el("li", { dataset: { department: r.department_code } },
      el("div", { class: "route-head" },
        el("strong", {}, r.department_name), el("span", { class: "muted" }, "匹配度 " + r.score.toFixed(2)),
        el("span", { class: "spacer" }),
        el("button", { type: "button", class: "btn btn-small", onclick: () => acceptRoute(i) },
          i < 3 ? "采用 Alt+" + (i + 1) : "采用")),
      el("ul", { class: "reasons" }, (r.reasons || []).map((reason) => el("li", {},
        reason.source ? el("span", { class: "tag" }, REASON_SOURCES[reason.source] || reason.source) : null, reason.detail))))));
  }

  function repeatsBlock(repeats) {
    if (!repeats || !repeats.length) return "";
    return el("div", { class: "repeats" }, el("div", { class: "section-title" }, "疑似重复"),
      el("ul", { class: "history" }, repeats.map((r) => el("li", { tabindex: "0", dataset: { number: r.ticket_number } },
        el("span", { class: "ticket-link" }, r.ticket_number),
        el("span", { class: "badge status-" + r.status }, label("status", r.status)),
        r.same_caller ? el("span", { class: "tag tag-warning" }, "同一来电人") : null,
        // a same-caller link found at intake has no measured text similarity (0): say nothing rather than "0%"
        r.similarity > 0 ? el("span", { class: "muted" }, "相似度 " + percent(r.similarity)) : null,
        el("div", { class: "history-text" }, r.title || r.content_masked)))));
  }

  async function showSuggestions(ticketNumber) {
    const body = panelBody("suggestions-panel");
    const found = await api("GET", "/api/v1/tickets/" + encodeURIComponent(ticketNumber) + "/suggestions");
    routes = found.routes;
    body.replaceChildren(
      el("div", { class: "section-title" }, "分类建议"), classificationBlock(found.classification),
      el("div", { class: "section-title" }, "承办单位建议"), routesBlock(),
      repeatsBlock(found.repeats));
  }

  // Alt+1..3 picks a department suggestion; event.code, because Alt+digit types other characters on some layouts.
  document.addEventListener("keydown", (event) => {
    const match = /^Digit([1-3])$/.exec(event.code);
    if (!match || !event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    acceptRoute(Number(match[1]) - 1);
  });

  return { watchCallForm, showSuggestions };
})();
