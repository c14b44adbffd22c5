/* The call's questions: a conditional question is shown only while the answer to its condition
   question is one of its values (data-condition-question: that field's name; data-condition-values:
   the codes, comma-separated). The server decides the same on every save; this only spares a round
   trip. No inline script or style (the Content-Security-Policy): the hidden attribute is toggled. */
(function () {
  "use strict";

  function answerOf(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value) {
        values.push(input.value.trim());
      }
    });
    return values;
  }

  function isShown(form, name) {
    var holder = form.querySelector('.question[data-question="' + name + '"]');
    return !holder || !holder.hidden;
  }

  function update(form) {
    // In the page's order, so a question depending on a hidden one is hidden too.
    form.querySelectorAll(".question[data-condition-question]").forEach(function (holder) {
      var parent = holder.dataset.conditionQuestion;
      var wanted = holder.dataset.conditionValues.split(",").map(function (v) { return v.trim(); });
      var given = isShown(form, parent) ? answerOf(form, parent) : [];
      holder.hidden = !given.some(function (value) { return wanted.indexOf(value) !== -1; });
    });
  }

  function start() {
    var form = document.getElementById("questions-form");
    if (!form) { return; }
    form.addEventListener("change", function () { update(form); });
    form.addEventListener("input", function () { update(form); });
    update(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
