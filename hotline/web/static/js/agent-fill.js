// 智能填单 in the call form: as the agent types, the fields found in the caller's words (time, place, object,
// appeal, phone numbers said aloud; district and street) fill in; a field the agent edits is theirs and is never
// overwritten. The category chosen (or suggested) offers its questions (问询模板) and quick phrases (常用语).
"use strict";

const AgentFill = (() => {
  const { api, el, toast } = Hotline;
  const TYPING_PAUSE_MS = 400;
  const MIN_TEXT = 6;
  const FIELDS = ["time", "place", "object", "appeal", "phones"];
  let form = null;
  let suggested = {};        // what auto-fill last proposed, per field
  const edited = new Set();  // fields the agent typed in: theirs now
  let located = null;        // {district, street} of the address or the words
  let categoryPicker = null;
  let questions = [];
  let phrases = [];
  let generation = 0;
  let currentPath = "";
  // Supervisors edit the questions and phrases in place (agent-edit.js fills these in for them).
  const hooks = { editing: false, phraseActions: () => [], phraseTools: () => null, templateTools: () => null };

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  function input(field) {
    return form.querySelector("[data-field=" + field + "]");
  }

  function spoken() {
    return [form.elements.title.value, form.elements.content.value].map((s) => s.trim()).filter(Boolean).join("。");
  }

  function showLocated() {
    const box = document.getElementById("located");
    if (located && located.district) {
      box.replaceChildren("区县 / 街道：", el("strong", { id: "located-district" }, located.district.name),
        located.street ? el("span", {}, " · ", el("strong", { id: "located-street" }, located.street.name)) : "",
        el("span", { class: "tag tag-auto" }, "自动识别"));
    } else {
      box.textContent = "区县 / 街道：输入地址或诉求后自动识别";
    }
  }

  async function refresh() {
    const text = spoken();
    if (text.length < MIN_TEXT) return;
    const mine = ++generation;
    let found;
    try {
      found = await api("POST", "/api/v1/autofill", { text, address: form.elements.address.value.trim() || null });
    } catch (error) {
      toast(error.message, "error");
      return;
    }
    if (mine !== generation) return;  // an older answer arriving late is dropped
    located = { district: found.district, street: found.street };
    showLocated();
    for (const field of FIELDS) {
      const value = field === "phones" ? found.phones.join(" ") : (found[field] ? found[field].text : "");
      suggested[field] = value;
      if (edited.has(field)) continue;
      const box = input(field);
      box.value = value;
      box.classList.toggle("auto-filled", Boolean(value));
    }
  }

  // ---- the category: its questions and quick phrases ----

  function questionInput(q) {
    const name = "q_" + q.code;
    if (q.datatype === "singlevaluelist") {
      return el("select", { name, dataset: { code: q.code } }, el("option", { value: "" }, "未问 / 未答"),
        q.values.map((v) => el("option", { value: v.key }, v.name)));
    }
    if (q.datatype === "multivaluelist") {
      return el("div", { class: "row-inline", dataset: { code: q.code, multi: "true" } },
        q.values.map((v) => el("label", { class: "check" }, el("input", { type: "checkbox", value: v.key }), v.name)));
    }
    if (q.datatype === "datetime") return el("input", { type: "datetime-local", name, dataset: { code: q.code } });
    if (q.datatype === "number") return el("input", { type: "number", name, dataset: { code: q.code } });
    return el("input", { name, maxlength: q.datatype === "text" ? 2000 : 200, dataset: { code: q.code } });
  }

  function showQuestions(path) {
    const box = document.getElementById("template-questions");
    box.hidden = !questions.length && !(hooks.editing && path);
    document.getElementById("template-for").textContent = questions.length ? "按“" + path + "”询问"
      : path ? "“" + path + "”暂无问询模板" : "";
    const tools = path ? hooks.templateTools(path, questions) : null;
    document.getElementById("template-fields").replaceChildren(...questions.map((q) => el("label", {},
      q.description + (q.required ? "（宜问）" : ""), questionInput(q))), ...(tools ? [tools] : []));
  }

  function showPhrases() {
    const panel = document.getElementById("phrases-panel");
    panel.hidden = !phrases.length && !hooks.editing;
    const tools = hooks.phraseTools(currentPath);
    panel.querySelector(".panel-body").replaceChildren(...(tools ? [tools] : []), el("ul", { class: "phrases" }, phrases.map((p) => el("li", { dataset: { id: p.id } },
      el("div", { class: "phrase-title" }, p.title, p.category_path ? el("span", { class: "muted" }, " · " + p.category_path) : ""),
      el("div", { class: "phrase-body" }, p.body),
      el("div", { class: "row-inline" },
        el("button", { type: "button", class: "btn btn-small", onclick: () => usePhrase(p) }, "填入直接答复"),
        ...hooks.phraseActions(p))))));
    AgentFill.onPhrases(phrases);
  }

  function usePhrase(phrase) {
    const box = document.querySelector("#answer-form textarea[name=content]");
    if (!box) {
      toast("当前工单不能直接答复；请先登记来电。", "error");
      return;
    }
    box.value = phrase.body;
    box.focus();
  }

  async function offer(path) {
    currentPath = path || "";
    try {
      const found = await api("GET", "/api/v1/console/assist?" + new URLSearchParams(path ? { category: path } : {}));
      questions = found.questions;
      phrases = found.phrases;
    } catch (error) {
      toast(error.message, "error");
      return;
    }
    showQuestions(path);
    showPhrases();
  }

  // Category suggestions while typing: category names the caller's words contain (名称匹配), best first.
  function suggestByName() {
    if (!categoryPicker) return;
    const text = spoken();
    categoryPicker.suggestFromText(text);
  }

  function templateAnswers() {
    const answers = {};
    for (const node of document.querySelectorAll("#template-fields [data-code]")) {
      const values = node.dataset.multi ? [...node.querySelectorAll("input:checked")].map((i) => i.value)
        : [node.value.trim()].filter(Boolean);
      if (values.length) answers[node.dataset.code] = values;
    }
    return answers;
  }

  // What the ticket carries of the console's work: confirmed fields, what was proposed, category and answers.
  function details() {
    const fields = {};
    const proposed = {};
    for (const field of FIELDS) {
      const value = input(field).value.trim();
      if (field === "phones") {
        fields.phones = value ? value.split(/[\s,，、]+/).filter(Boolean) : [];
        proposed.phones = suggested.phones ? suggested.phones.split(" ").filter(Boolean) : [];
      } else {
        if (value) fields[field] = value;
        if (suggested[field]) proposed[field] = suggested[field];
      }
    }
    if (located && located.district) {
      fields.district_code = located.district.code;
      if (located.street) fields.street_code = located.street.code;
    }
    const category = categoryPicker ? categoryPicker.value() : "";
    return { fields, suggested: proposed, category: category || null, template_answers: templateAnswers() };
  }

  function reset() {
    suggested = {};
    edited.clear();
    located = null;
    showLocated();
    for (const field of FIELDS) input(field).classList.remove("auto-filled");
    if (categoryPicker) {
      categoryPicker.set("");
      categoryPicker.clearSuggestions();
    }
  }

  async function watch(callForm) {
    form = callForm;
    const onType = debounce(refresh, TYPING_PAUSE_MS);
    const onCategoryHint = debounce(suggestByName, TYPING_PAUSE_MS);
    for (const name of ["content", "title", "address"]) {
      form.elements[name].addEventListener("input", onType);
      form.elements[name].addEventListener("input", onCategoryHint);
    }
    for (const field of FIELDS) {
      input(field).addEventListener("input", () => {
        edited.add(field);
        input(field).classList.remove("auto-filled");
      });
    }
    form.addEventListener("reset", () => setTimeout(reset, 0));
    categoryPicker = await Pickers.categoryPicker(document.getElementById("call-category"), { onChange: offer });
    categoryPicker.suggestFromText = await nameMatcher();
    offer("");
  }

  // Suggest the categories whose (level-3 or level-2) name the words contain: 噪音 -> 噪音污染.
  async function nameMatcher() {
    const all = await api("GET", "/api/v1/console/categories");
    const named = all.filter((c) => c.level >= 2 && c.name !== "其他").map((c) => ({
      path: c.path, level: c.level, stem: c.name.replace(/(问题|管理|污染|服务|供应|发放)$/, "") || c.name,
    })).filter((c) => c.stem.length >= 2);
    return (text) => {
      const hits = named.filter((c) => text.includes(c.stem)).sort((a, b) => b.level - a.level || b.stem.length - a.stem.length);
      const seen = new Set();
      const paths = [];
      for (const hit of hits) {
        if (seen.has(hit.path)) continue;
        seen.add(hit.path);
        paths.push([hit.path, null, "名称匹配"]);
        if (paths.length === 3) break;
      }
      categoryPicker.suggest(paths);
    };
  }

  return { watch, details, reset, onPhrases: () => {}, phrases: () => phrases, hooks,
    reoffer: () => offer(currentPath) };
})();
