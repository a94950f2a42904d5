// The referral form: the suggested partner follows the chosen themes (the partner suggested
// for most of them), until the coordinator picks a partner herself.
(function () {
  "use strict";
  var form = document.getElementById("referral-form");
  var data = document.getElementById("theme-partners");
  var partner = form && form.querySelector("select[name=partner]");
  if (!form || !data || !partner) return;
  var themePartners = JSON.parse(data.textContent);
  var chosenByHand = false;

  partner.addEventListener("change", function () { chosenByHand = true; });
  form.addEventListener("change", function (event) {
    if (event.target.name !== "themes" || chosenByHand) return;
    var counts = {};
    form.querySelectorAll("input[name=themes]:checked").forEach(function (box) {
      (themePartners[box.value] || []).forEach(function (id) {
        counts[id] = (counts[id] || 0) + 1;
      });
    });
    var best = null;
    // Options are in name order, so the first with the most matches wins a tie, as on the server.
    Array.prototype.forEach.call(partner.options, function (option) {
      var n = counts[option.value] || 0;
      if (n > 0 && (best === null || n > (counts[best] || 0))) best = option.value;
    });
    if (best !== null) partner.value = best;
  });
})();
