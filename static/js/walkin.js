// The walk-in screen: keyboard first. Space ticks a theme chip, Enter saves, Ctrl+Enter saves
// from anywhere; the family type-ahead asks the server by POST so no name ends up in a URL.
(function () {
  "use strict";
  var form = document.getElementById("walkin-form");
  if (!form) return;

  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var loggedOut = document.getElementById("family-search-logged-out");
  var failed = document.getElementById("family-search-failed");
  var searchUrl = form.dataset.searchUrl;
  var term = document.getElementById("id_family_term");
  var familyId = document.getElementById("id_family");
  var results = document.getElementById("family-results");
  var parentSelect = document.getElementById("id_parent");
  var childSelect = document.getElementById("id_child");
  var when = document.getElementById("id_occurred_at");
  var found = [];
  var active = -1;
  var timer = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function nowLocal() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function checkedValue(name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }

  function selectedSchool() {
    return checkedValue("school") || (form.querySelector("input[type=hidden][name=school]") || {}).value || "";
  }

  // --- panels that depend on "who" and "outcome" ---------------------------------------
  function showPanels() {
    var who = checkedValue("who");
    form.querySelectorAll("[data-who-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.whoPanel.split(" ").indexOf(who) === -1;
    });
    var followUp = form.querySelector("[data-follow-up]");
    if (followUp) followUp.hidden = checkedValue("outcome") !== "follow_up";
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "who" || event.target.name === "outcome") showPanels();
    if (event.target.name === "school") {
      clearFamily(true);
      suggestCode();
    }
  });
  showPanels();

  // --- the suggested code of a new family follows the school until she changes it -------
  var newCode = document.getElementById("id_new_family_code");
  var suggestionsData = document.getElementById("code-suggestions");
  var suggestions = suggestionsData ? JSON.parse(suggestionsData.textContent) : {};
  function suggestCode() {
    if (!newCode) return;
    var isSuggestion = Object.keys(suggestions).some(function (key) {
      return suggestions[key] === newCode.value;
    });
    if ((newCode.value === "" || isSuggestion) && suggestions[selectedSchool()]) {
      newCode.value = suggestions[selectedSchool()];
    }
  }

  // --- saving with the keyboard --------------------------------------------------------
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    var target = event.target;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (target === term) return;  // the type-ahead handles its own Enter
    var type = (target.type || "").toLowerCase();
    if (type === "checkbox" || type === "radio" || target.tagName === "SELECT") {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  if (when) {
    when.addEventListener("input", function () { when.dataset.touched = "1"; });
    if (!when.dataset.touched) when.value = nowLocal();
  }
  form.addEventListener("submit", function () {
    // A page left open keeps its loading time; an untouched time means "now".
    if (when && !when.dataset.touched) when.value = nowLocal();
  });

  // --- family type-ahead ---------------------------------------------------------------
  function fillSelect(select, items) {
    while (select.options.length > 1) select.remove(1);
    items.forEach(function (item) { select.add(new Option(item.name, item.id)); });
    if (items.length === 1 && select === parentSelect) select.value = String(items[0].id);
  }

  function clearFamily(alsoTerm) {
    if (!familyId) return;
    familyId.value = "";
    fillSelect(parentSelect, []);
    fillSelect(childSelect, []);
    if (alsoTerm && term) term.value = "";
  }

  // The cookie's token first: a login in another tab gives a new one, the form keeps the old.
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : csrf;
  }

  // Besides the list: "no family found" is said only for an answer of the search.
  function say(message) {
    if (loggedOut) loggedOut.hidden = message !== loggedOut;
    if (failed) failed.hidden = message !== failed;
  }

  function closeResults() {
    results.hidden = true;
    results.innerHTML = "";
    term.setAttribute("aria-expanded", "false");
    term.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var options = results.querySelectorAll("[role=option]");
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    term.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  function choose(index) {
    var family = found[index];
    if (!family) return;
    familyId.value = String(family.id);
    term.value = family.code;
    fillSelect(parentSelect, family.parents);
    fillSelect(childSelect, family.children);
    closeResults();
  }

  function render() {
    results.innerHTML = "";
    if (!found.length) {
      var empty = document.createElement("li");
      empty.className = "list-group-item text-body-secondary";
      empty.textContent = form.dataset.noResults;
      results.appendChild(empty);
    }
    found.forEach(function (family, i) {
      var li = document.createElement("li");
      li.className = "list-group-item list-group-item-action";
      li.id = "family-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var names = family.parents.map(function (p) { return p.name; }).join(", ");
      li.textContent = family.code + (names ? " · " + names : "") + " (" + family.school + ")";
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
      results.appendChild(li);
    });
    results.hidden = false;
    term.setAttribute("aria-expanded", "true");
    if (found.length) highlight(0);
  }

  function search() {
    var q = term.value.trim();
    if (!q) { closeResults(); say(null); return; }
    var body = new URLSearchParams({ q: q, school: selectedSchool() });
    fetch(searchUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      body: body,
      credentials: "same-origin",
    })
      .then(function (response) {
        // An ended session: the login page (a redirect, which fetch follows) or a refusal.
        if (response.redirected || response.status === 401 || response.status === 403) {
          throw new Error("logged out");
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        if (term.value.trim() !== q) return;  // an answer to an older question
        say(null);
        found = data.results || [];
        render();
      })
      .catch(function (error) {
        if (term.value.trim() !== q) return;
        found = [];
        closeResults();
        say(error.message === "logged out" ? loggedOut : failed);
      });
  }

  if (term) {
    term.addEventListener("input", function () {
      clearFamily(false);
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    term.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (results.hidden) search(); else highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { closeResults(); }
      else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        if (!results.hidden && active >= 0) { event.preventDefault(); choose(active); }
      }
    });
    term.addEventListener("blur", function () { setTimeout(closeResults, 100); });
  }

  // --- focus: the first theme chip, or the first field with an error -------------------
  var invalid = form.querySelector(".is-invalid, .invalid-feedback");
  if (invalid) {
    var field = invalid.matches("input, select, textarea") ? invalid
      : (invalid.closest("fieldset, .col-sm-6, .col-md-6, .col-lg-3, .col-lg-4, .col-lg-5") || form)
          .querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus();
  } else if (document.activeElement === document.body || !document.activeElement) {
    var first = form.querySelector("input[name=themes]");
    if (first) first.focus();
  }
})();
