// Supervisors (and admins) maintain the console's quick phrases (常用语) and each category's questions (问询模板)
// where agents use them: add, change or stop a phrase, and edit a category's questions, each change with a reason
// (kept in the change history). Agents see none of these controls.
"use strict";

(() => {
  const { api, el, toast, busy, formJson } = Hotline;
  const EDITORS = new Set(["supervisor", "admin"]);
  const DATATYPES = [["singlevaluelist", "单选"], ["multivaluelist", "多选"], ["string", "短文本"], ["text", "长文本"],
    ["number", "数字"], ["datetime", "日期时间"]];
  const LIST_TYPES = new Set(["singlevaluelist", "multivaluelist"]);

  function dialog(id) {
    return document.getElementById(id);
  }

  // ---- quick phrases ----

  function openPhrase(phrase, path) {
    const form = dialog("phrase-form");
    form.reset();
    form.dataset.id = phrase ? phrase.id : "";
    document.getElementById("phrase-dialog-title").textContent = phrase ? "修改常用语" : "新增常用语";
    const scope = phrase ? phrase.category_path || "" : path;
    form.elements.category_path.replaceChildren(el("option", { value: "" }, "通用（所有分类）"),
      ...(scope ? [el("option", { value: scope, selected: true }, scope)] : []));
    if (phrase) {
      form.elements.title.value = phrase.title;
      form.elements.body.value = phrase.body;
      form.elements.position.value = phrase.position || 0;
    }
    form.elements.reason.required = Boolean(phrase);
    dialog("phrase-dialog").showModal();
  }

  async function savePhrase(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const v = formJson(form);
    const body = { category_path: v.category_path || null, title: v.title, body: v.body,
      position: Number(v.position || 0), reason: v.reason || null };
    await busy(form, async () => {
      if (form.dataset.id) await api("PUT", "/api/v1/quick-phrases/" + form.dataset.id, body);
      else await api("POST", "/api/v1/quick-phrases", body);
      dialog("phrase-dialog").close();
      toast((form.dataset.id ? "已修改常用语：" : "已新增常用语：") + v.title, "success");
      await AgentFill.reoffer();
    });
  }

  async function stopPhrase(phrase) {
    const reason = window.prompt("停用常用语“" + phrase.title + "”的理由：");
    if (reason === null) return;
    if (!reason.trim()) {
      toast("请填写停用理由", "error");
      return;
    }
    try {
      await api("POST", "/api/v1/quick-phrases/" + phrase.id + "/disable", { reason: reason.trim() });
      toast("已停用常用语：" + phrase.title, "success");
      await AgentFill.reoffer();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  // ---- a category's questions ----

  function questionRow(q) {
    const type = el("select", { name: "datatype", "aria-label": "回答方式" },
      DATATYPES.map(([value, name]) => el("option", { value, selected: value === (q ? q.datatype : "singlevaluelist") }, name)));
    const values = el("textarea", { name: "values", rows: 4, placeholder: "如：\n电动自行车\n摩托车" },
      q && q.values ? q.values.map((v) => v.name).join("\n") : "");
    const valuesBox = el("label", {}, "选项（每行一个）", values);
    const row = el("fieldset", { class: "question-row", dataset: { code: q ? q.code : "" } },
      el("label", {}, "问题", el("input", { name: "description", maxlength: 100, required: true, value: q ? q.description : "" })),
      el("div", { class: "row-2" }, el("label", {}, "回答方式", type),
        el("label", { class: "check" }, el("input", { type: "checkbox", name: "required", checked: Boolean(q && q.required) }), "宜问")),
      valuesBox,
      el("button", { type: "button", class: "btn btn-small", onclick: () => row.remove() }, "删除此问题"));
    row.keys = new Map((q && q.values ? q.values : []).map((v) => [v.name, v.key]));  // an option keeps its key
    const showValues = () => { valuesBox.hidden = !LIST_TYPES.has(type.value); };
    type.addEventListener("change", showValues);
    showValues();
    return row;
  }

  function openTemplate(path, questions) {
    const form = dialog("template-form");
    form.reset();
    form.dataset.path = path;
    document.getElementById("template-dialog-for").textContent = path;
    document.getElementById("template-rows").replaceChildren(...questions.map(questionRow));
    dialog("template-dialog").showModal();
  }

  // The rows as the API takes them: codes and option keys kept, new ones numbered (q1, v1 ...).
  function readQuestions(form) {
    const used = new Set([...form.querySelectorAll(".question-row")].map((r) => r.dataset.code).filter(Boolean));
    const fresh = (prefix, taken) => {
      let n = 1;
      while (taken.has(prefix + n)) n += 1;
      taken.add(prefix + n);
      return prefix + n;
    };
    return [...form.querySelectorAll(".question-row")].map((row) => {
      const datatype = row.querySelector("[name=datatype]").value;
      const question = { code: row.dataset.code || fresh("q", used), description: row.querySelector("[name=description]").value.trim(),
        datatype, required: row.querySelector("[name=required]").checked };
      if (LIST_TYPES.has(datatype)) {
        const keys = new Set(row.keys.values());
        question.values = row.querySelector("[name=values]").value.split("\n").map((s) => s.trim()).filter(Boolean)
          .map((name) => ({ key: row.keys.get(name) || fresh("v", keys), name }));
      }
      return question;
    });
  }

  async function saveTemplate(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const path = form.dataset.path;
    await busy(form, async () => {
      await api("PUT", "/api/v1/category-templates/" + path.split("/").map(encodeURIComponent).join("/"),
        { questions: readQuestions(form), reason: form.elements.reason.value.trim() || null });
      dialog("template-dialog").close();
      toast("已保存“" + path + "”的问询模板", "success");
      await AgentFill.reoffer();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!EDITORS.has(document.body.dataset.role)) return;
    const hooks = AgentFill.hooks;
    hooks.editing = true;
    hooks.phraseTools = (path) => el("button", { type: "button", class: "btn btn-small", id: "phrase-add",
      onclick: () => openPhrase(null, path) }, path ? "新增常用语（" + path + "）" : "新增通用常用语");
    hooks.phraseActions = (phrase) => [
      el("button", { type: "button", class: "btn btn-small phrase-edit", onclick: () => openPhrase(phrase) }, "修改"),
      el("button", { type: "button", class: "btn btn-small phrase-stop", onclick: () => stopPhrase(phrase) }, "停用")];
    hooks.templateTools = (path, questions) => el("button", { type: "button", class: "btn btn-small", id: "template-edit",
      onclick: () => openTemplate(path, questions) }, questions.length ? "编辑问询模板" : "新建问询模板");
    dialog("phrase-form").addEventListener("submit", savePhrase);
    dialog("phrase-cancel").addEventListener("click", () => dialog("phrase-dialog").close());
    dialog("template-form").addEventListener("submit", saveTemplate);
    dialog("template-cancel").addEventListener("click", () => dialog("template-dialog").close());
    dialog("template-add").addEventListener("click", () => document.getElementById("template-rows").append(questionRow(null)));
  });
})();
