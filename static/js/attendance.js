// The attendance page: filter the other parents, count who is present (the headcount too),
// step the headcount, add rows for new families, and send the form only once.
(function () {
  "use strict";
  var form = document.getElementById("attendance-form");
  if (!form) return;
  document.documentElement.classList.add("js");

  var search = document.getElementById("attendance-search");
  var others = Array.prototype.slice.call(document.querySelectorAll("[data-person-other]"));
  var noMatch = document.getElementById("no-match");
  var results = document.getElementById("search-results");
  var counter = document.getElementById("present-count");
  var headcount = form.querySelector("input[name=anonymous_count]");

  function filterOthers() {
    if (!search) return;
    var term = search.value.trim().toLowerCase();
    var shown = 0;
    others.forEach(function (item) {
      var box = item.querySelector(".btn-check");
      var visible = box.checked || (term.length > 0 && item.dataset.search.indexOf(term) !== -1);
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    if (noMatch) noMatch.hidden = !(term.length > 0 && shown === 0);
    if (results) results.classList.toggle("searching", term.length > 0);
  }

  function count() {
    var ticked = form.querySelectorAll("input.btn-check:checked").length;
    var newcomers = Array.prototype.filter.call(
      form.querySelectorAll(".newcomer input[name$='-first_name']"),
      function (input) { return input.value.trim() !== ""; }
    ).length;
    var anonymous = headcount ? Math.max(0, parseInt(headcount.value, 10) || 0) : 0;
    if (counter) counter.textContent = String(ticked + newcomers + anonymous);
  }

  form.addEventListener("change", count);
  form.addEventListener("input", function (event) {
    if (event.target === search) {
      filterOthers();
      if (results && window.scrollY > results.offsetTop) results.scrollIntoView();
    }
    count();
  });

  form.querySelectorAll("[data-step]").forEach(function (button) {
    button.addEventListener("click", function () {
      var value = parseInt(headcount.value, 10) || 0;
      headcount.value = Math.max(0, Math.min(999, value + parseInt(button.dataset.step, 10)));
      count();
    });
  });

  var add = document.getElementById("add-newcomer");
  var template = document.getElementById("newcomer-template");
  var total = form.querySelector("input[name='new-TOTAL_FORMS']");
  if (add && template && total) {
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      document.getElementById("newcomers").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
    });
  }

  form.addEventListener("submit", function () {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
  });

  filterOthers();
  count();
})();
