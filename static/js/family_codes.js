// Type-ahead for the contact list's family filter: the field stays a plain text input (the
// filter works without JavaScript); while typing, matching family codes are offered.
(function () {
  var form = document.querySelector("form[data-family-codes-url]");
  if (!form) return;
  var input = form.querySelector("input[data-family-codes]");
  var list = document.getElementById("family-codes");
  if (!input || !list) return;
  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var term = input.value.trim();
    if (term.length < 2 || term === asked) return;
    timer = setTimeout(function () {
      asked = term;
      var body = new FormData();
      body.append("q", term);
      fetch(form.dataset.familyCodesUrl, {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": form.dataset.csrf },
        credentials: "same-origin",
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren();
          data.results.forEach(function (family) {
            var option = document.createElement("option");
            option.value = family.code;
            option.label = family.code + " · " + family.school;
            list.appendChild(option);
          });
        });
    }, 200);
  });
})();
