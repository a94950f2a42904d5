// The page of a download being prepared: asks the status every second, moves the progress bar
// and shows the link once the file is ready (or, when it failed, the button to ask again).
// Without JavaScript the page refreshes itself.
(function () {
  var box = document.getElementById("export-job");
  if (!box) return;
  var bar = document.getElementById("export-progress");
  var fill = bar.querySelector(".progress-bar");
  var status = document.getElementById("export-status");
  var link = document.getElementById("export-file");
  var refresh = document.getElementById("export-refresh");
  var retry = document.getElementById("export-retry");

  function show(progress) {
    fill.style.width = progress + "%";
    bar.setAttribute("aria-valuenow", String(progress));
  }

  show(Number(box.dataset.progress) || 0);
  if (box.dataset.done === "1") return;

  function ask() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (job) {
        show(job.progress);
        if (job.ready) {
          fill.classList.add("bg-success");
          status.textContent = job.message;
          link.href = job.file_url;
          link.classList.remove("d-none");
          if (refresh) refresh.classList.add("d-none");
        } else if (job.failed) {
          fill.classList.add("bg-danger");
          status.textContent = job.message;
          if (refresh) refresh.classList.add("d-none");
          if (retry) retry.classList.remove("d-none");
        } else {
          status.textContent = job.message;
          setTimeout(ask, 1000);
        }
      })
      .catch(function () { setTimeout(ask, 1000); });
  }
  setTimeout(ask, 1000);
})();
