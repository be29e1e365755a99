// The citizen's callback page: answer resolved yes/no, satisfaction and a comment, once, through the link's token.
"use strict";

(() => {
  const { api, formJson, busy } = Hotline;

  function finish(id) {
    document.getElementById("callback-form").hidden = true;
    document.getElementById(id).hidden = false;
  }

  async function onAnswer(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const v = formJson(form);
    await busy(form, async () => {
      try {
        await api("POST", "/api/v1/public/callbacks/" + encodeURIComponent(form.dataset.token), {
          resolved: v.resolved === "yes", satisfaction: v.satisfaction, comment: v.comment || null,
        });
        finish("callback-thanks");
      } catch (error) {
        // Answered meanwhile (another tab, or by phone): say so instead of an error.
        if (error.status === 409) finish("callback-answered");
        else throw error;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("callback-form").addEventListener("submit", onAnswer);
  });
})();
