// What helps the agent during a call: matching knowledge as they type (or searched by hand; any result opens in
// the panel), the caller's earlier tickets (mobile or landline) with 催办 / 补充情况 on an open one, and the
// models' suggestions for a filed ticket with one click (or Alt+1..3) to accept them.
"use strict";

const AgentAssist = (() => {
  const { api, el, label, formatTime, toast, departments, newExternalId } = Hotline;
  const TYPING_PAUSE_MS = 400;
  const MIN_TEXT = 6;  // fewer characters than this say too little to search on
  const HEAD_LABELS = { type: "类型", category: "业务分类", urgency: "紧急程度" };
  const REASON_SOURCES = { matter: "事项", keyword: "关键词", duty: "权责清单", model: "模型", fallback: "兜底" };
  const OPEN = new Set(["received", "dispatched", "accepted", "returned", "reopened"]);
  const AREA_CODE = "0577";
  let routes = [];
  let lastPanel = null;  // what the knowledge panel showed before an item was opened (返回)
  const handlers = { openTicket: async () => {}, acceptRoute: () => false, acceptCategory: () => false, merge: async () => {} };

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

  // A phone number as the platform keeps it: a mobile's 11 digits, a landline with its area code (88123456 is
  // a 温州 number: 057788123456). Anything else is not a number to look up.
  function canonicalPhone(raw) {
    let digits = String(raw || "").replace(/\D/g, "");
    if (digits.startsWith("86") && digits.length === 13) digits = digits.slice(2);
    if (/^1[3-9]\d{9}$/.test(digits)) return digits;
    if (/^[2-9]\d{7}$/.test(digits)) return AREA_CODE + digits;
    if (/^0\d{9,11}$/.test(digits)) return digits;
    return null;
  }

  // ---- knowledge while the caller speaks, or searched by hand ----

  const fetchKnowledge = latestOnly((text) => api("POST", "/api/v1/knowledge/suggestions", { text }));
  const fetchSearch = latestOnly((q) => api("GET", "/api/v1/knowledge/search?" + new URLSearchParams({ q, k: "8" })));

  function useAsAnswer(text) {
    const box = document.querySelector("#answer-form textarea[name=content]");
    if (!box) {
      toast("当前工单不能直接答复；请先登记来电。", "error");
      return;
    }
    box.value = text;
    box.focus();
  }

  function backLink() {
    return el("button", { type: "button", class: "btn btn-small kb-back", onclick: () => {
      if (lastPanel) panelBody("knowledge-panel").replaceChildren(...lastPanel);
    } }, "← 返回结果");
  }

  async function openItem(kind, code) {
    const body = panelBody("knowledge-panel");
    const shown = [...body.childNodes];
    try {
      if (kind === "matter") {
        const matter = await api("GET", "/api/v1/knowledge/matters/" + encodeURIComponent(code));
        lastPanel = shown;
        body.replaceChildren(backLink(), KnowledgeView.matter(matter), faqList(matter.faqs),
          el("button", { type: "button", class: "btn btn-small", onclick: () => useAsAnswer(materialsText(matter)) }, "填入直接答复"));
      } else {
        const article = await api("GET", "/api/v1/knowledge/articles/" + encodeURIComponent(code));
        lastPanel = shown;
        body.replaceChildren(backLink(), el("div", { class: "kb-article", dataset: { code } },
          el("h3", { class: "matter-title" }, article.question), el("p", { class: "pre" }, article.answer),
          el("button", { type: "button", class: "btn btn-small", onclick: () => useAsAnswer(article.answer) }, "填入直接答复")));
      }
    } catch (error) {
      toast(error.message, "error");
    }
  }

  function materialsText(matter) {
    const items = (matter.materials || []).map((m, i) => (i + 1) + ". " + (m.text || m.name));
    return "办理“" + matter.title + "”需要准备：\n" + items.join("\n")
      + (matter.location ? "\n办理地点：" + matter.location : "");
  }

  function faqList(faqs) {
    if (!faqs || !faqs.length) return "";
    return el("div", { class: "kb-faqs" }, el("div", { class: "section-title" }, "常见问题"),
      el("dl", { class: "faq" }, faqs.flatMap((f) => [el("dt", {}, "问：" + f.q), el("dd", {}, "答：" + f.a)])));
  }

  function answerBlock(answer) {
    const box = el("div", { class: "kb-answer kb-" + answer.kind });
    if (answer.kind === "matter") {
      box.append(KnowledgeView.matter(answer.matter));
    } else if (answer.kind === "clarify") {
      box.append(el("p", {}, answer.message), el("div", { class: "chips" }, answer.options.map((option) =>
        el("button", { type: "button", class: "chip", dataset: { code: option.code },
          onclick: () => openItem("matter", option.code) }, option.sub_item || option.title))));
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

  // Related items: each opens in the panel; its passage is the sentence that answers (an FAQ answer under its
  // own question).
  function resultsBlock(results, departmentName, heading = "相关知识") {
    if (!results.length) return el("p", { class: "empty" }, "没有找到相关的事项或问答。");
    return el("div", { class: "kb-results" }, el("div", { class: "section-title" }, heading),
      el("ol", {}, results.map((r) => el("li", { dataset: { code: r.code, kind: r.kind } },
        el("a", { href: "#", class: "kb-result-title", onclick: (event) => { event.preventDefault(); openItem(r.kind, r.code); } },
          r.title),
        r.department ? el("span", { class: "muted" }, " · " + departmentName(r.department)) : null,
        r.passage_question ? el("div", { class: "kb-passage-question" }, "问：" + r.passage_question) : null,
        r.passage ? el("div", { class: "kb-passage" }, (r.passage_question ? "答：" : "") + r.passage) : null))));
  }

  async function refreshKnowledge(text) {
    const body = panelBody("knowledge-panel");
    try {
      const [found, depts] = await Promise.all([fetchKnowledge(text), departments()]);
      if (!found) return;
      body.replaceChildren(
        el("p", { class: "muted kb-question" }, "按“" + found.question + "”查找"),
        answerBlock(found.answer), resultsBlock(found.results, depts.name));
    } catch (error) {
      toast(error.message, "error");
    }
  }

  async function searchByHand(event) {
    event.preventDefault();
    const q = document.getElementById("kb-q").value.trim();
    if (!q) return;
    try {
      const [found, depts] = await Promise.all([fetchSearch(q), departments()]);
      if (!found) return;
      panelBody("knowledge-panel").replaceChildren(resultsBlock(found.results, depts.name, "“" + q + "”的查找结果"));
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
    document.getElementById("kb-search-form").addEventListener("submit", searchByHand);
  }

  // ---- the caller's earlier tickets ----

  const fetchHistory = latestOnly((phone) => api("GET", "/api/v1/tickets?" + new URLSearchParams({ q: phone, page_size: "10" })));
  let lastPhone = "";

  function contactForm(ticket, kind) {
    const content = el("textarea", { name: "content", rows: "2", maxlength: "5000", required: kind === "supplement",
      placeholder: kind === "urge" ? "来电人催办的话（可不填）" : "来电人补充的情况" });
    const form = el("form", { class: "contact-form", dataset: { kind, number: ticket.ticket_number } }, content,
      el("div", { class: "row-inline" }, el("span", { class: "spacer" }),
        el("button", { type: "button", class: "btn btn-small", onclick: () => form.remove() }, "取消"),
        el("button", { type: "submit", class: "btn btn-small btn-primary" }, kind === "urge" ? "记为催办" : "补充到工单")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await Hotline.busy(form, async () => {
        const done = await api("POST", "/api/v1/tickets/" + encodeURIComponent(ticket.ticket_number) + "/contacts", {
          kind, content: content.value.trim() || null, channel: document.querySelector("#call-form [name=channel]").value,
          external_id: newExternalId(), call_id: AgentCall.callId(),
        });
        toast("已加入工单 " + done.ticket_number + "：" + (kind === "urge" ? "催办 × " + done.urge_count : "补充情况"), "success");
        form.remove();
        AgentCall.ticketFiled(done.ticket_number);
        await handlers.openTicket(done.ticket_number);
        lastPhone = "";
      });
    });
    return form;
  }

  function historyItem(t) {
    const item = el("li", { tabindex: "0", dataset: { number: t.ticket_number } },
      el("span", { class: "ticket-link" }, t.ticket_number),
      el("span", { class: "badge status-" + t.status }, label("status", t.status)),
      t.urge_count ? el("span", { class: "tag tag-warning" }, "催办 × " + t.urge_count) : null,
      el("span", { class: "muted" }, formatTime(t.received_at)),
      el("div", { class: "history-text" }, t.title || t.excerpt));
    if (OPEN.has(t.status)) {
      // 加入已有工单: the repeat call becomes an event of this ticket, never a second ticket
      item.append(el("div", { class: "history-actions" },
        el("button", { type: "button", class: "btn btn-small", dataset: { action: "urge" },
          onclick: (event) => { event.stopPropagation(); showContactForm(item, t, "urge"); } }, "催办"),
        el("button", { type: "button", class: "btn btn-small", dataset: { action: "supplement" },
          onclick: (event) => { event.stopPropagation(); showContactForm(item, t, "supplement"); } }, "补充情况")));
    }
    return item;
  }

  function showContactForm(item, ticket, kind) {
    item.querySelectorAll(".contact-form").forEach((f) => f.remove());
    const form = contactForm(ticket, kind);
    form.addEventListener("click", (event) => event.stopPropagation());
    item.append(form);
    form.querySelector("textarea").focus();
  }

  function paintHistory(page, previousCalls) {
    const body = panelBody("history-panel");
    body.replaceChildren(page.items.length
      ? el("ul", { class: "history" }, page.items.map(historyItem))
      : el("p", { class: "empty" }, page.withheld ? "该号码没有可直接显示的历史工单。" : "该号码没有历史工单。"),
    page.total > page.items.length ? el("p", { class: "muted" }, "共 " + page.total + " 张，显示最近 " + page.items.length + " 张。") : "",
    page.withheld ? el("p", { class: "muted", id: "history-withheld" }, "另有 " + page.withheld
      + " 张保密工单与该号码相关，未显示；如确需查看，请在下方“工单查询”中说明理由。") : "",
    previousCalls && previousCalls.total ? el("p", { class: "muted", id: "history-calls" }, "此前来电 " + previousCalls.total + " 次，最近："
      + previousCalls.rows.slice(0, 3).map((c) => formatTime(c.ringing_at) + (c.ticket_number ? "（" + c.ticket_number + "）" : "")).join("、")) : "");
  }

  async function showHistory(raw) {
    const phone = canonicalPhone(raw);
    if (!phone || phone === lastPhone) return;
    lastPhone = phone;
    try {
      const page = await fetchHistory(phone);
      if (page) paintHistory(page, null);
    } catch (error) {
      toast(error.message, "error");
    }
  }

  // The screen pop: the caller's tickets and earlier calls, looked up by the call (logged as 来电弹屏).
  async function showCaller(call) {
    const phone = canonicalPhone(call.from);
    lastPhone = phone || "";
    try {
      const found = await api("GET", "/api/v1/cti/calls/" + call.call_ref + "/caller");
      paintHistory({ items: found.tickets, total: found.total, withheld: found.withheld },
        { total: found.previous_calls_total, rows: found.previous_calls });
    } catch (error) {
      toast(error.message, "error");
    }
  }

  // ---- the models' suggestions for a filed ticket ----

  function acceptRoute(index) {
    const route = routes[index];
    if (route && handlers.acceptRoute(route.department_code)) {
      toast("已选择主办单位：" + route.department_name + "，确认后派单", "success");
    } else if (route) {
      toast("当前工单不能采用该承办单位建议。", "error");
    }
  }

  function acceptLabel(head, value) {
    const select = document.querySelector("#classify-form select[name=" + head + "]");
    const ok = head === "category" ? handlers.acceptCategory(value)
      : select && [...select.options].some((o) => o.value === value) && ((select.value = value), true);
    if (!ok) {
      toast("当前工单不能采用该" + HEAD_LABELS[head] + "建议。", "error");
      return;
    }
    toast("已填入" + HEAD_LABELS[head] + "：" + (head === "category" ? value : label(head, value)) + "，确认后提交", "success");
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

  function repeatsBlock(repeats, ticket) {
    if (!repeats || !repeats.length) return "";
    const mergeable = ticket && OPEN.has(ticket.status);
    return el("div", { class: "repeats" }, el("div", { class: "section-title" }, "疑似重复"),
      el("ul", { class: "history" }, repeats.map((r) => el("li", { tabindex: "0", dataset: { number: r.ticket_number } },
        el("span", { class: "ticket-link" }, r.ticket_number),
        el("span", { class: "badge status-" + r.status }, label("status", r.status)),
        r.same_caller ? el("span", { class: "tag tag-warning" }, "同一来电人") : null,
        // a same-caller link found at intake has no measured text similarity (0): say nothing rather than "0%"
        r.similarity > 0 ? el("span", { class: "muted" }, "相似度 " + percent(r.similarity)) : null,
        el("div", { class: "history-text" }, r.title || r.content_masked),
        mergeable && OPEN.has(r.status) ? el("button", { type: "button", class: "btn btn-small merge-button",
          onclick: (event) => { event.stopPropagation(); handlers.merge(ticket.ticket_number, r.ticket_number); } },
        "将本工单并入此单") : null))));
  }

  async function showSuggestions(ticket) {
    const body = panelBody("suggestions-panel");
    const found = await api("GET", "/api/v1/tickets/" + encodeURIComponent(ticket.ticket_number) + "/suggestions");
    routes = found.routes;
    body.replaceChildren(
      el("div", { class: "section-title" }, "分类建议"), classificationBlock(found.classification),
      el("div", { class: "section-title" }, "承办单位建议"), routesBlock(),
      repeatsBlock(found.repeats, ticket));
    return found;
  }

  // Alt+1..3 picks a department suggestion; event.code, because Alt+digit types other characters on some layouts.
  document.addEventListener("keydown", (event) => {
    const match = /^Digit([1-3])$/.exec(event.code);
    if (!match || !event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    acceptRoute(Number(match[1]) - 1);
  });

  return { watchCallForm, showSuggestions, showCaller, canonicalPhone, handlers };
})();
