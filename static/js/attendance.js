// The attendance page: find other parents of the school (asked from the server while typing),
// count who is present (the headcount too), step the headcount, add rows for new families, and
// send the form only once.
(function () {
  "use strict";
  var form = document.getElementById("attendance-form");
  if (!form) return;
  document.documentElement.classList.add("js");

  var MIN_LENGTH = 2;
  var DELAY = 200;
  var search = document.getElementById("attendance-search");
  var found = document.getElementById("others");
  var noMatch = document.getElementById("no-match");
  var loggedOut = document.getElementById("search-logged-out");
  var failed = document.getElementById("search-failed");
  var results = document.getElementById("search-results");
  var counter = document.getElementById("present-count");
  var headcount = form.querySelector("input[name=anonymous_count]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");

  // The cookie's token first: a login in another tab gives a new one, the form keeps the old.
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    return csrf ? csrf.value : "";
  }

  // What the search says besides its cards: "nobody found" only for an answer of the search.
  function say(message) {
    if (noMatch) noMatch.hidden = message !== noMatch;
    if (loggedOut) loggedOut.hidden = message !== loggedOut;
    if (failed) failed.hidden = message !== failed;
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

  // --- the search: the server answers with the same cards as the page's, at most 20 ---------
  var timer = null;
  var asked = "";
  var pending = null;
  // The boxes of the last answer's matches, in its order (whether new or already on the page).
  var matches = [];
  // Enter pressed while the answer to the same text is on its way: focus its first match.
  var focusWhenShown = false;

  function firstResult() {
    return matches.length ? matches[0] : null;
  }

  // A ticked card stays (and is posted) whatever is searched next; the others make way.
  function clearResults() {
    if (!found) return;
    Array.prototype.slice.call(found.children).forEach(function (card) {
      var box = card.querySelector(".btn-check");
      if (!box || !box.checked) card.remove();
    });
    form.querySelectorAll(".search-match").forEach(function (card) {
      card.classList.remove("search-match");
    });
    matches = [];
  }

  function showResults(html, focus) {
    clearResults();
    var template = document.createElement("template");
    template.innerHTML = html;
    var cards = Array.prototype.slice.call(template.content.querySelectorAll(".person-card"));
    cards.forEach(function (card) {
      // Already on the page (a regular, or ticked from an earlier search): point at that card.
      var box = card.querySelector(".btn-check");
      var shown = box && document.getElementById(box.id);
      if (shown) {
        shown.closest(".person-card").classList.add("search-match");
        matches.push(shown);
      } else if (box) {
        found.appendChild(card);
        matches.push(box);
      }
    });
    say(cards.length ? null : noMatch);
    if (results) results.classList.toggle("searching", found.children.length > 0 || !cards.length);
    count();
    if (focus || focusWhenShown) {
      var box = firstResult();
      if (box) box.focus();
    }
    focusWhenShown = false;
  }

  function ask(term, focus) {
    asked = term;
    if (pending) pending.abort();
    var controller = new AbortController();
    pending = controller;
    var body = new FormData();
    body.append("q", term);
    fetch(search.dataset.searchUrl, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        // An ended session: the search answers with a redirect to the login page (which fetch
        // follows), or a refusal. Neither is a search result.
        if (response.redirected || response.status === 401 || response.status === 403) {
          throw new Error("logged out");
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        // An answer to an older search text is of no use any more.
        if (search.value.trim() === term) showResults(html, focus);
      })
      .catch(function (error) {
        if (asked === term) asked = "";
        if (error.name === "AbortError" || search.value.trim() !== term) return;
        clearResults();
        say(error.message === "logged out" ? loggedOut : failed);
        focusWhenShown = false;
      })
      .finally(function () {
        if (pending === controller) pending = null;
      });
  }

  function onSearchInput() {
    clearTimeout(timer);
    var term = search.value.trim();
    if (term.length < MIN_LENGTH) {
      if (pending) pending.abort();
      asked = "";
      focusWhenShown = false;
      clearResults();
      say(null);
      if (results) results.classList.toggle("searching", found.children.length > 0);
      return;
    }
    if (term === asked) return;
    timer = setTimeout(function () { ask(term, false); }, DELAY);
  }

  if (search && search.dataset.searchUrl && found) {
    search.addEventListener("keydown", function (event) {
      // Enter searches at once and moves to the first match (Space ticks it); it never sends
      // the form half-done. Arrow down moves to the first match too.
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();
        var term = search.value.trim();
        if (event.key === "Enter" && term.length >= MIN_LENGTH && term !== asked) {
          clearTimeout(timer);
          ask(term, true);
        } else if (pending) {
          focusWhenShown = true;
        } else {
          var box = firstResult();
          if (box) box.focus();
        }
      }
    });
    // Tapping the box again selects what was searched, so the next name replaces it.
    search.addEventListener("focus", function () { search.select(); });
    // The search button is for the page without JavaScript (it posts the whole form). Removed,
    // not hidden: Enter in another field then saves, as the first submit button is "Save".
    var searchButton = document.getElementById("attendance-search-submit");
    if (searchButton) searchButton.remove();
    if (results) results.classList.toggle("searching", found.children.length > 0);
  }

  form.addEventListener("change", count);
  form.addEventListener("input", function (event) {
    if (search && event.target === search) {
      onSearchInput();
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

  count();
})();
