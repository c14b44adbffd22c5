/* The call's questions: a conditional question is shown only while the answer to its condition
   question is one of its values (data-condition-question: that field's name; data-condition-values:
   the codes, comma-separated; data-condition-number: numbers, compared as numbers, the typed one read
   the page language's way, "1.500,5" in Spanish). The server decides the same on every save; this
   only spares a round trip. No inline script or style (the Content-Security-Policy): the hidden attribute is toggled. */
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

  // The page language's decimal separator ("," in es, it, pt; "." in en); every other separator groups.
  var decimal = (function () {
    try {
      var parts = new Intl.NumberFormat(document.documentElement.lang || "en").formatToParts(1.5);
      return parts.filter(function (part) { return part.type === "decimal"; })[0].value;
    } catch (error) {
      return ".";
    }
  })();

  function typedNumber(text) {
    var grouping = decimal === "," ? /[\s\u00a0\u202f.]/g : /[\s\u00a0\u202f,]/g;
    var plain = text.replace(grouping, "").replace(decimal, ".");
    return /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : NaN;
  }

  function matches(given, wanted, asNumbers) {
    return given.some(function (value) {
      if (!asNumbers) { return wanted.indexOf(value) !== -1; }
      var number = typedNumber(value);
      return wanted.some(function (code) { return Number(code) === number; });
    });
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
      holder.hidden = !matches(given, wanted, holder.hasAttribute("data-condition-number"));
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
