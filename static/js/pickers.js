/* Pickers that show names and store codes (consortia/pickers.py). A region input that follows a
   country select offers that country's regions: its <datalist> carries every listed country's
   regions in data-regions, and this file changes the suggestions when the country changes. A
   region of the country left behind is cleared, so it is not sent for the new one. Without this
   file the server lists the regions of the country it knows and refuses a region of another. */
(function () {
  "use strict";

  function follow(list) {
    var country = document.getElementById(list.dataset.countryField);
    var input = document.querySelector('input[list="' + list.id + '"]');
    if (!country || !input || list.dataset.following) {
      return;
    }
    list.dataset.following = "yes";
    var regions = JSON.parse(list.dataset.regions || "{}");

    function names(code) {
      return (regions[code] || []).map(function (region) { return region[1]; });
    }

    function offer() {
      var options = (regions[country.value] || []).map(function (region) {
        var option = document.createElement("option");
        option.value = region[1];
        option.textContent = region[0];
        return option;
      });
      list.replaceChildren.apply(list, options);
    }

    country.addEventListener("change", function () {
      var typed = input.value.trim().toLowerCase();
      var elsewhere = Object.keys(regions).some(function (code) {
        return code !== country.value && names(code).some(function (name) { return name.toLowerCase() === typed; });
      });
      if (elsewhere) {
        input.value = "";
      }
      offer();
    });
    offer();
  }

  function enhance(root) {
    root.querySelectorAll("datalist[data-regions][data-country-field]").forEach(follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
