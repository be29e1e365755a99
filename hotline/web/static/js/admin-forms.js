// What the admin workspace's panels share: a refusal said per field in Chinese, and a secret (a password, an
// Open311 key, a PBX token) shown once.
"use strict";

const AdminForms = (() => {
  const { el, reasonText } = Hotline;

  // A form's own rules first (pattern → wording), then the shared reasons.
  function reasonWith(rules) {
    return (reason) => {
      const text = String(reason || "").replace(/^Value error, /, "");
      for (const [pattern, say] of rules) {
        const match = pattern.exec(text);
        if (match) return say(...match.slice(1));
      }
      return reasonText(text);
    };
  }

  // A refusal said for a form: each field by its Chinese name (`fields`) with its reason; a 404 as `notFound`.
  function formFailure(error, { fields, reasonOf = reasonText, notFound }) {
    const body = (error.body && error.body.error) || {};
    if (body.code === "validation_error" && Array.isArray(body.fields)) {
      return "填写有误：" + body.fields.map((f) => (fields[f.field] || f.field) + "（" + reasonOf(f.reason) + "）").join("；");
    }
    if (error.status === 404 && notFound) return notFound;
    return error.message;  // common.js words the refusals (已存在, 已停用, 最后一个管理员 ...)
  }

  // A secret (a password, key or token) shown this once, what to do with it, and a button that closes it.
  function showOnce(boxId, title, secret, note, closeText = "已交付，关闭") {
    document.getElementById(boxId).replaceChildren(
      el("div", { class: "alert alert-success", role: "alert" },
        title, el("strong", { class: "secret", dataset: { secret: "" } }, secret), el("br"), note,
        " ", el("button", { type: "button", class: "btn btn-small", onclick: (e) => e.target.closest(".alert").remove() }, closeText)));
  }

  return { reasonWith, formFailure, showOnce };
})();
