// "Add a row" for a Django formset: copies the <template> with the next form index and counts
// it in the management form's TOTAL_FORMS. Used by the funding sources of an activity.
(function () {
  "use strict";
  var add = document.getElementById("add-funding");
  var template = document.getElementById("funding-template");
  var total = document.querySelector("input[name='financiers-TOTAL_FORMS']");
  if (!add || !template || !total) {
    return;
  }
  add.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    document.getElementById("funding-rows").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var rows = document.querySelectorAll("#funding-rows .funding-row select");
    if (rows.length) {
      rows[rows.length - 1].focus();
    }
  });
})();
