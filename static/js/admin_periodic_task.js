/* The periodic task form in the admin: the chosen crontab schedule, in words, under its field
   (django-celery-beat's behaviour, without its inline script). */
(function () {
  "use strict";
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  var help = document.querySelector(".field-crontab .help");
  if (!data || !select || !help) {
    return;
  }
  var readable = JSON.parse(data.textContent);
  var original = help.textContent;
  document.querySelectorAll(".field-crontab_translation").forEach(function (row) {
    row.style.display = "none";
  });
  select.addEventListener("change", function () {
    var words = readable[select.value];
    help.textContent = words ? original + " — " + words : original;
  });
})();
