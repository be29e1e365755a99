// 座席 agent console: register a call (with its call id and the fields filled from the caller's words), confirm
// its classification, answer it at once or dispatch it (主办 + 协办 from searchable pickers), merge a repeat into
// the open ticket; search tickets. Knowledge, history and suggestions are in agent-assist.js, auto-fill and the
// category's questions in agent-fill.js, the phone link in agent-call.js.
"use strict";

(() => {
  const { LABELS, api, el, label, formatTime, toast, departments, formJson, busy, newExternalId } = Hotline;
  let leadPicker = null;
  let coPicker = null;
  let classifyPicker = null;

  function options(select, entries, current, placeholder) {
    const items = placeholder !== undefined ? [el("option", { value: "" }, placeholder)] : [];
    for (const [value, text] of entries) items.push(el("option", { value, selected: value === current }, text));
    select.replaceChildren(...items);
  }

  // The classifier's category: a level-1 label or a full path "l1/l2/l3" alike; with "levels" ([node, confidence]
  // per level of the best path; a node is its path or its bare name) also the deepest level it is sure of, so an
  // unsure 小类 still leaves a sure 中类 one click away. All are offered as chips before the three steps.
  const SURE = 0.5;
  function categorySuggestions(suggestions) {
    const head = (suggestions.classification || []).find((h) => h.head === "category");
    if (!head) return [];
    const out = (head.top3 || []).map(([path, confidence]) => [path, confidence, "模型建议"]);
    if (Array.isArray(head.levels) && head.levels.length) {
      const nodes = head.levels.map(([node]) => String(node));
      const pathAt = (i) => (nodes[i].includes("/") || i === 0 ? nodes[i] : nodes.slice(0, i + 1).join("/"));
      const best = pathAt(nodes.length - 1);
      if (!out.some(([p]) => p === best)) out.unshift([best, head.levels[nodes.length - 1][1], "模型建议"]);
      let sure = -1;
      while (sure + 1 < nodes.length && head.levels[sure + 1][1] >= SURE) sure += 1;
      if (sure >= 0 && sure < nodes.length - 1 && !out.some(([p]) => p === pathAt(sure))) {
        out.push([pathAt(sure), head.levels[sure][1], "模型对这一级较有把握"]);
      }
    }
    return out;
  }

  // 常用语 of the ticket's category (its own, its ancestors', the general ones) as one-click answers.
  async function phraseChips(form, category) {
    const box = form.querySelector("#phrase-chips");
    const { phrases } = await api("GET", "/api/v1/console/assist?" + new URLSearchParams(category ? { category } : {}));
    box.replaceChildren(...phrases.map((p) => el("button", { type: "button", class: "chip", title: p.body,
      onclick: () => { form.elements.content.value = p.body; form.elements.content.focus(); } }, p.title)));
  }

  async function showTicket(number) {
    const ticket = await TicketView.load(number);
    const actions = document.getElementById("detail-actions");
    const fragment = document.getElementById("agent-actions").content.cloneNode(true);
    const classify = fragment.getElementById("classify-form");
    const answer = fragment.getElementById("answer-form");
    const dispatch = fragment.getElementById("dispatch-form");
    const copy = fragment.getElementById("copy-form");
    const open = ticket.allowed_actions.includes("dispatch") || ticket.allowed_actions.includes("answer");
    if (!open) classify.remove();
    if (!ticket.allowed_actions.includes("answer")) answer.remove();
    if (!ticket.allowed_actions.includes("dispatch")) dispatch.remove();
    if (!ticket.protected) copy.remove();
    // Until every handler below is attached, a submit must not fall through to the browser's native GET.
    delete actions.dataset.ready;
    actions.replaceChildren(fragment);
    actions.querySelectorAll("form").forEach((form) => form.addEventListener("submit", (event) => event.preventDefault()));
    leadPicker = coPicker = classifyPicker = null;
    if (copy.isConnected) await showDepartmentCopy(copy, ticket);
    if (open) {
      options(classify.elements.type, Object.entries(LABELS.type), ticket.type, ticket.type ? undefined : "请选择");
      options(classify.elements.urgency, Object.entries(LABELS.urgency), ticket.urgency);
      classifyPicker = await Pickers.categoryPicker(classify.querySelector("#classify-category"), { current: ticket.category });
      classify.addEventListener("submit", (event) => act(event, ticket, "classification", (v) => ({
        type: v.type, urgency: v.urgency, category: classifyPicker.value() || null,
      }), "分类已确认"));
    }
    if (answer.isConnected) {
      await phraseChips(answer, ticket.category);
      answer.addEventListener("submit", (event) => act(event, ticket, "answer", (v) => ({ content: v.content }), "已直接答复"));
    }
    if (dispatch.isConnected) {
      leadPicker = await Pickers.departmentPicker(dispatch.querySelector("#lead-picker"));
      coPicker = await Pickers.departmentPicker(dispatch.querySelector("#co-picker"));
      dispatch.addEventListener("submit", (event) => act(event, ticket, "dispatch", (v) => ({
        department: leadPicker.value(), co_departments: coPicker.value(), note: v.note || null,
      }), "已派单"));
    }
    // After the forms exist, so accepting a suggestion has somewhere to land.
    const suggestions = await AgentAssist.showSuggestions(ticket);
    if (classifyPicker) classifyPicker.suggest(categorySuggestions(suggestions));
    actions.dataset.ready = ticket.ticket_number;
    return ticket;
  }

  AgentAssist.handlers.openTicket = (number) => showTicket(number).then(() => search());
  AgentAssist.handlers.acceptRoute = (code) => Boolean(leadPicker) && leadPicker.set(code);
  AgentAssist.handlers.acceptCategory = (path) => Boolean(classifyPicker) && (classifyPicker.set(path), true);
  AgentAssist.handlers.merge = async (number, into) => {
    if (!window.confirm("将工单 " + number + " 并入 " + into + "？本工单将不再单独办理。")) return;
    try {
      await api("POST", "/api/v1/tickets/" + encodeURIComponent(number) + "/merge", { into, reason: "重复来电，并入在办工单" });
      toast("已将 " + number + " 并入 " + into, "success");
      await showTicket(into);
      await search();
    } catch (error) {
      toast(error.message, "error");
    }
  };

  // 部门将看到的内容: a 举报's text as the department will read it, for the agent to check and correct.
  async function showDepartmentCopy(form, ticket) {
    const path = "/api/v1/tickets/" + encodeURIComponent(ticket.ticket_number) + "/department-copy";
    const fill = (copy) => {
      form.elements.title.value = copy.title || "";
      form.elements.content.value = copy.content || "";
      form.elements.address.value = copy.address || "";
      document.getElementById("copy-edited").textContent = copy.edited_by
        ? "已由 " + copy.edited_by + " 于 " + formatTime(copy.edited_at) + " 修改" : "自动隐去，尚未人工修改";
    };
    fill(await api("GET", path));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await busy(form, async () => {
        const v = formJson(form);
        await api("PUT", path, { title: v.title || null, content: v.content, address: v.address || null });
        toast("部门可见内容已保存：" + ticket.ticket_number, "success");
        await showTicket(ticket.ticket_number);  // the timeline shows the correction
      });
    });
  }

  async function act(event, ticket, path, body, done) {
    event.preventDefault();
    const form = event.currentTarget;
    await busy(form, async () => {
      await api("POST", "/api/v1/tickets/" + encodeURIComponent(ticket.ticket_number) + "/" + path, body(formJson(form)));
      toast(done + "：" + ticket.ticket_number, "success");
      await showTicket(ticket.ticket_number);
      await search();
    });
  }

  function submission(values, form) {
    const optional = (v) => v || null;
    const phone = values.phone ? AgentAssist.canonicalPhone(values.phone) || values.phone : null;
    return {
      channel: values.channel || "phone",
      external_id: newExternalId(),
      citizen: {
        name: optional(values.name), phone,
        anonymous: form.elements.anonymous.checked, confidential: form.elements.confidential.checked,
      },
      title: optional(values.title), address: optional(values.address), content: values.content,
      call_id: AgentCall.callId(),
      details: AgentFill.details(),
    };
  }

  async function onCall(event) {
    event.preventDefault();
    const form = event.currentTarget;
    await busy(form, async () => {
      const created = await api("POST", "/api/v1/submissions", submission(formJson(form), form));
      toast("已登记工单 " + created.ticket_number, "success");
      AgentCall.ticketFiled(created.ticket_number);
      form.reset();
      await showTicket(created.ticket_number);
      await search();
      document.getElementById("call-content").focus();
    });
  }

  // The phone rings: the caller's number, the channel (a 110 transfer keeps its channel) and history pop up.
  function onNewCall(call) {
    const form = document.getElementById("call-form");
    const phone = AgentAssist.canonicalPhone(call.from);
    if (phone) form.elements.phone.value = document.getElementById("call-number").textContent || call.from;
    form.elements.channel.value = call.channel === "110" ? "110" : "phone";
    AgentAssist.showCaller(call);
  }

  let searchReason = "";

  async function search(event) {
    if (event) {
      event.preventDefault();
      searchReason = "";
    }
    const q = document.getElementById("search-q").value.trim();
    const params = new URLSearchParams({ page_size: "20" });
    if (q) params.set("q", q);
    if (q && searchReason) params.set("reason", searchReason);
    try {
      const [page, depts] = await Promise.all([api("GET", "/api/v1/tickets?" + params), departments()]);
      document.getElementById("search-total").textContent = "共 " + page.total + " 张";
      // A search by a phone or ID number leaves confidential tickets out until the agent says why (logged).
      const withheld = document.getElementById("withheld-form");
      withheld.hidden = !page.withheld;
      document.getElementById("withheld-note").textContent = page.withheld
        ? "另有 " + page.withheld + " 张保密工单与该号码匹配，未显示。" : "";
      document.querySelector("#search-results tbody").replaceChildren(...page.items.map((t) => el("tr", {
        tabindex: "0", dataset: { number: t.ticket_number },
      },
        el("td", {}, el("a", { href: "#", class: "ticket-link" }, t.ticket_number)),
        el("td", {}, formatTime(t.received_at)), el("td", {}, label("channel", t.channel)),
        el("td", {}, label("type", t.type)), el("td", { class: "cell-text" }, t.title || t.excerpt),
        el("td", {}, depts.name(t.lead_department)),
        el("td", {}, el("span", { class: "badge status-" + t.status }, label("status", t.status)),
          t.urge_count ? el("span", { class: "tag tag-warning" }, "催办 × " + t.urge_count) : ""),
      )));
    } catch (error) {
      toast(error.message, "error");
    }
  }

  function onResultClick(event) {
    if (event.target.closest("button, form")) return;
    const row = event.target.closest("[data-number]");
    if (!row || (event.type === "keydown" && event.key !== "Enter")) return;
    event.preventDefault();
    showTicket(row.dataset.number).catch((error) => toast(error.message, "error"));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const callForm = document.getElementById("call-form");
    callForm.addEventListener("submit", onCall);
    AgentAssist.watchCallForm(callForm);
    AgentFill.watch(callForm).catch((error) => toast(error.message, "error"));
    AgentCall.onNewCall(onNewCall);
    document.getElementById("search-form").addEventListener("submit", search);
    document.getElementById("withheld-form").addEventListener("submit", (event) => {
      event.preventDefault();
      searchReason = document.getElementById("withheld-reason").value.trim();
      document.getElementById("withheld-reason").value = "";
      search();
    });
    // Search results, the caller's history and possible repeats all open the ticket they name.
    for (const list of [document.querySelector("#search-results tbody"), document.getElementById("history-panel"),
      document.getElementById("suggestions-panel")]) {
      list.addEventListener("click", onResultClick);
      list.addEventListener("keydown", onResultClick);
    }
    search();
    // Other workspaces link here as /agent?ticket=N (the supervisor's lists): open that ticket at once.
    const linked = new URLSearchParams(location.search).get("ticket");
    if (linked) showTicket(linked).catch((error) => toast(error.message, "error"));
  });
})();
