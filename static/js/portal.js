/* The portal's own behaviour. The Content-Security-Policy runs only files like this one:
   no inline <script>, no on...="" attributes, no style="" attributes. Pages carry data
   attributes and this file acts on them, on the first load and on every part htmx swaps in. */
(function () {
  "use strict";

  // A progress bar's width comes from data-progress (0-100).
  function showProgress(root) {
    root.querySelectorAll(".progress-bar[data-progress]").forEach(function (bar) {
      bar.style.width = bar.dataset.progress + "%";
    });
  }

  // A table wider than the screen scrolls sideways inside its .table-responsive box: the box takes
  // the focus then (named after the table's caption), so the arrow keys scroll it (WCAG 2.1.1).
  // A box that does not scroll is left out of the tab order.
  function scrollableTables(root) {
    var scope = root.querySelectorAll ? root : document;
    var boxes = Array.prototype.slice.call(scope.querySelectorAll(".table-responsive"));
    if (root.matches && root.matches(".table-responsive")) { boxes.push(root); }
    boxes.forEach(function (box) {
      if (box.dataset.scrollable === "always") { return; }  // the template made it focusable itself
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        // Named after the table's caption, or else the heading of the section it is in.
        var caption = box.querySelector("caption");
        var section = box.closest("section[aria-labelledby]");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          if (caption) {
            box.setAttribute("aria-label", caption.textContent.trim());
          } else if (section) {
            box.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
          }
        }
      } else if (box.getAttribute("tabindex") === "0" && box !== document.activeElement) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }

  function enhance(root) {
    showProgress(root);
    scrollableTables(root);
  }

  var resizing;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () { scrollableTables(document); }, 200);
  });

  // --- Focus follows the work (WCAG 2.4.3, 3.3.1, 4.1.3) ----------------------------------------
  // A form htmx replaces loses the element that had the focus. Before the request we note where the
  // person was (which row, how many rows); after the swap the focus goes where the work goes on:
  //   a row was added      -> the new row's first field;
  //   a row was removed    -> the row before it (or the add button when none is left);
  //   a submission refused -> the summary of the errors;
  // otherwise htmx puts the focus back on the field with the same id, and we leave it there.
  var ROW = "tr.budget-line";
  var FIELD = "select, input:not([type=hidden]), textarea, button";
  var before = null;

  function rowsOf(element) {
    return element ? Array.prototype.slice.call(element.querySelectorAll(ROW)) : [];
  }

  function focusOn(element) {
    if (!element) { return; }
    if (!element.matches(FIELD + ", a[href], [tabindex]")) { element.setAttribute("tabindex", "-1"); }
    element.focus();
    if (element.scrollIntoView) { element.scrollIntoView({block: "nearest"}); }
  }

  function firstField(row) {
    return row.querySelector(FIELD) || row;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    var rows = rowsOf(form);
    var active = document.activeElement;
    var activeRow = active && active.closest ? active.closest(ROW) : null;
    before = {
      id: form.id,
      rows: rows.length,
      activeRow: activeRow ? rows.indexOf(activeRow) : -1,
      submitted: !!(event.detail.requestConfig && event.detail.requestConfig.triggeringEvent &&
        event.detail.requestConfig.triggeringEvent.type === "submit"),
    };
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var noted = before;
    if (!noted || !noted.id) { return; }
    // The event comes from what was swapped in (the form htmx asked from is gone when replaced whole).
    var form = document.getElementById(noted.id);
    var swapped = event.target;
    if (!form || !swapped || !swapped.contains || !(swapped.contains(form) || form.contains(swapped))) { return; }
    before = null;  // the parts swapped out of band (the panel, the messages) settle first: not them
    var rows = rowsOf(form);
    var summary = form.querySelector("#error-summary") || document.querySelector("#error-summary");
    if (rows.length > noted.rows) {
      focusOn(firstField(rows[rows.length - 1]));
    } else if (rows.length < noted.rows && noted.activeRow >= 0) {
      var previous = rows[Math.min(noted.activeRow, rows.length) - 1];
      focusOn(previous ? firstField(previous) : form.querySelector("#add-line") || form.querySelector("button[type=submit]:not(.visually-hidden)"));
    } else if (noted.submitted && summary) {
      focusOn(summary);
    } else if (!form.contains(document.activeElement) && noted.activeRow >= 0 && rows[noted.activeRow]) {
      focusOn(firstField(rows[noted.activeRow]));
    }
  });

  // --- What is typed while a save is on its way is kept (and saved next) -------------------------
  // A form that saves itself as the person goes (data-keep-typing) is replaced whole by the server's
  // answer, which knows only what was sent. Whatever changed in its rows after the request left
  // (the next field typed into, a box ticked) is put back into the same row of the new form, with
  // the focus and the caret where they were, and the form saves again. The server marks each row
  // it draws with the index it was posted at (data-posted-at): a row is found again even when the
  // save removed a row before it or moved a new row among the saved ones.
  var sent = null;
  var resave = null;

  function rowFields(form) {
    return Array.prototype.slice.call(form.querySelectorAll(
      ROW + " input:not([type=hidden]), " + ROW + " select, " + ROW + " textarea"));
  }

  function valueOf(field) {
    return field.type === "checkbox" || field.type === "radio" ? field.checked : field.value;
  }

  // "budget_lines-3-amount" -> {index: "3", suffix: "amount"}
  function partsOf(field) {
    var match = /^.*?-(\d+)-(.+)$/.exec(field.name || "");
    return match ? {index: match[1], suffix: match[2]} : null;
  }

  function forget() { sent = null; pressed = null; }

  // A button pressed while the save is on its way ("Add a line", "Save and continue") would wait
  // for it and then be lost with the form it belonged to: it is pressed again on the new form.
  // A second press of the button that sent the save (a double click) is not a new press.
  var pressed = null;
  var sentBy = null;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-keep-typing]")) { return; }
    var button = event.submitter;
    var key = button ? button.name + "=" + button.value : "";
    if (!form.classList.contains("htmx-request")) {
      sentBy = key;
    } else if (key !== sentBy) {
      pressed = {id: form.id, name: button ? button.name : "", value: button ? button.value : ""};
    }
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-keep-typing]")) { return; }
    var values = {};
    rowFields(form).forEach(function (field) { values[field.name] = valueOf(field); });
    sent = {id: form.id, values: values, typed: []};
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (!trigger || trigger.type !== "submit") { sentBy = null; }  // a save sent by a change, no button
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.elt;
    if (!sent || !form.matches || !form.matches("form[data-keep-typing]") || form.id !== sent.id) { return; }
    if (!event.detail.shouldSwap) { forget(); return; }  // an error or a redirect: nothing is redrawn
    sent.typed = [];
    rowFields(form).forEach(function (field) {
      var parts = partsOf(field);
      if (!parts || !(field.name in sent.values) || sent.values[field.name] === valueOf(field)) { return; }
      var active = field === document.activeElement;
      sent.typed.push({
        index: parts.index, suffix: parts.suffix, value: valueOf(field), active: active,
        start: active && typeof field.selectionStart === "number" ? field.selectionStart : null,
        end: active && typeof field.selectionEnd === "number" ? field.selectionEnd : null,
      });
    });
  });

  ["htmx:responseError", "htmx:sendError", "htmx:swapError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, forget);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var noted = sent;
    var form = noted && document.getElementById(noted.id);
    // Only the swap of the form itself (not the panel or the messages swapped beside it).
    if (!form || !event.target || !(event.target === form || event.target.contains(form))) { return; }
    sent = null;
    var restored = false;
    noted.typed.forEach(function (change) {
      var row = form.querySelector(ROW + '[data-posted-at="' + change.index + '"]');
      var field = row && Array.prototype.slice.call(row.querySelectorAll("input, select, textarea")).filter(function (f) {
        var parts = partsOf(f);
        return parts && parts.suffix === change.suffix && f.type !== "hidden";
      })[0];
      if (!field) { return; }  // the row is gone (the save that just ended removed it)
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = change.value;
      } else {
        field.value = change.value;
      }
      if (change.active) {
        field.focus();
        if (change.start !== null && field.setSelectionRange) {
          try { field.setSelectionRange(change.start, change.end); } catch (ignored) { /* not a text field */ }
        }
        before = null;  // the focus is back where the person is typing: the rules below leave it there
      }
      restored = true;
    });
    resave = restored ? form.id : null;
  });

  // Saved again (or the button pressed meanwhile pressed again, which saves all the same) on the
  // form's own settle: htmx listens on the new form from then on, and the focus has gone where the
  // work goes on (above).
  document.addEventListener("htmx:afterSettle", function (event) {
    var again = pressed;
    var form = document.getElementById(resave || (again && again.id) || "");
    if (!form || !event.target || !(event.target === form || event.target.contains(form))) { return; }
    resave = null;
    pressed = null;
    if (form.classList.contains("htmx-request")) { return; }
    if (again) {
      var buttons = Array.prototype.slice.call(form.querySelectorAll("button[type=submit]")).filter(function (button) {
        return button.name === again.name && button.value === again.value;
      });
      var button = buttons.filter(function (b) { return !b.classList.contains("visually-hidden"); })[0] || buttons[0];
      if (button) { button.click(); return; }
    }
    window.htmx.trigger(form, "change");
  });

  // The panel beside the steps (eligibility, maximum or potential grant) comes back whole with each save: a live
  // region replaced is not reliably read out, so a region that stays on the page (base.html) says it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    var panel = document.getElementById("panel");
    var status = document.getElementById("live-status");
    if (!xhr || !panel || !status || xhr.responseText.indexOf('id="panel"') === -1) { return; }
    var grant = panel.querySelector(".max-grant, .potential-grant");
    var said = grant && grant.parentNode ? grant.parentNode.textContent : "";
    var text = ((status.dataset.panelUpdated || "") + " " + said).replace(/\s+/g, " ").trim();
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 100);
  });

  if (window.htmx) {
    window.htmx.onLoad(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
