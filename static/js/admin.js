/* The portal's additions to the Django admin's behaviour (a file: the Content-Security-Policy runs
   no inline script). Django's date-and-time widget writes "Date:" and "Time:" as bare text before
   its two inputs, which leaves them without a name for a screen reader (WCAG 1.3.1, 4.1.2): the
   text becomes each input's <label>, and the field's own label is read with it. */
(function () {
  "use strict";

  function labelSplitDateTimes() {
    document.querySelectorAll("p.datetime input:not([type=hidden])").forEach(function (input, index) {
      if (!input.id || document.querySelector('label[for="' + input.id + '"]')) { return; }
      var node = input.previousSibling;
      while (node && !(node.nodeType === Node.TEXT_NODE && node.textContent.trim())) {
        if (node.nodeType === Node.ELEMENT_NODE && node.tagName !== "BR") { node = null; break; }
        node = node.previousSibling;
      }
      var label = document.createElement("label");
      label.htmlFor = input.id;
      label.id = input.id + "-part-label";
      label.textContent = node ? node.textContent.trim() : "";
      if (node) { node.parentNode.replaceChild(label, node); } else { input.parentNode.insertBefore(label, input); }
      var row = input.closest(".form-row, .fieldBox, fieldset");
      var fieldLabel = row && row.querySelector("label:not(p.datetime label), legend");
      if (fieldLabel) {
        if (!fieldLabel.id) { fieldLabel.id = input.id.replace(/_\d+$/, "") + "-label" + index; }
        input.setAttribute("aria-labelledby", fieldLabel.id + " " + label.id);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", labelSplitDateTimes);
  } else {
    labelSplitDateTimes();
  }
})();
