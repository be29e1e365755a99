// 督办 supervisor dashboard, 知识库维护: export the matters or FAQ articles as CSV / JSON and import an edited file back.
"use strict";

(() => {
  const { api, el, busy, reasonText } = Hotline;
  const FORMATS = new Set(["csv", "json"]);
  function exportHref(form) {
    const params = new URLSearchParams({ kind: form.elements.kind.value, format: form.elements.format.value });
    return "/api/v1/knowledge/export?" + params;
  }

  // The spreadsheet column the API names (`column`), with the exact field inside it (e.g. materials[2].name).
  function fieldCell(error) {
    if (!error.column) return el("td", { class: "cell-nowrap" }, error.field);
    return el("td", { class: "cell-nowrap" }, error.column, " ", el("span", { class: "hint" }, error.field));
  }

  function codeList(title, codes) {
    return codes.length ? el("p", { class: "pre" }, title + "：" + codes.join("、")) : null;
  }

  function showImported(result) {
    const noun = result.kind === "matters" ? "事项" : "问答";
    return el("div", { class: "alert alert-success", id: "kb-import-outcome", dataset: { outcome: "imported" } },
      el("strong", {}, "导入完成"),
      el("p", {}, "共 " + result.rows + " 条" + noun + "：新增 " + result.created.length + " 条，更新 "
        + result.updated.length + " 条，未变 " + result.unchanged + " 条。"),
      codeList("新增", result.created), codeList("更新", result.updated));
  }

  function showBadRows(rows) {
    return el("div", { id: "kb-import-outcome", dataset: { outcome: "rejected" } },
      el("p", { class: "alert alert-error" }, "文件中有 " + rows.length + " 处错误，未导入任何内容（整份文件均未生效）。请改正后重新导入。"),
      el("table", { class: "table table-static", id: "kb-import-errors" },
        el("thead", {}, el("tr", {}, el("th", {}, "行号"), el("th", {}, "编码"), el("th", {}, "字段"), el("th", {}, "原因"))),
        el("tbody", {}, rows.map((r) => el("tr", { dataset: { row: r.row } },
          el("td", { class: "cell-nowrap" }, r.row === 0 ? "文件/表头" : r.row),
          el("td", { class: "cell-nowrap" }, r.code || "—"), fieldCell(r),
          el("td", { class: "pre", title: r.reason }, reasonText(r.reason)))))),
      el("p", { class: "muted" }, "行号按记录计数，不含表头：CSV 在 Excel 中位于该行号的下一行。"));
  }

  function showFailure(error) {
    // Too large for the server: an import never deletes what a file leaves out, so importing it in parts is safe.
    const message = error.status === 413
      ? "文件超过服务器允许的大小，请拆分成几个文件分别导入（文件中没有的记录不会被删除）。" : error.message;
    return el("p", { class: "alert alert-error", id: "kb-import-outcome", dataset: { outcome: "failed" } }, "导入失败：" + message);
  }

  async function onImport(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const kind = form.elements.kind.value;
    const file = form.elements.file.files[0];
    const result = document.getElementById("kb-import-result");
    const format = file.name.split(".").pop().toLowerCase();  // the API reads the file as its suffix says
    if (!FORMATS.has(format)) {
      result.replaceChildren(showFailure({ message: "只能导入 .csv 或 .json 文件（由导出生成）。" }));
      return;
    }
    result.replaceChildren(el("p", { class: "muted" }, "正在导入 " + file.name + " ……"));
    await busy(form, async () => {
      try {
        const params = new URLSearchParams({ kind, format });
        result.replaceChildren(showImported(await api("POST", "/api/v1/knowledge/import?" + params, file)));
      } catch (error) {
        const rows = error.body && error.body.error && error.body.error.rows;
        result.replaceChildren(error.status === 422 && Array.isArray(rows) ? showBadRows(rows) : showFailure(error));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const exportForm = document.getElementById("kb-export-form");
    exportForm.addEventListener("change", () => { document.getElementById("kb-export").href = exportHref(exportForm); });
    exportForm.addEventListener("submit", (event) => event.preventDefault());
    document.getElementById("kb-import-form").addEventListener("submit", onImport);
  });
})();
