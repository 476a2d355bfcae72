// Refresh the provisioning progress of the listed applications without reloading the page.
(function () {
  var script = document.currentScript;
  var url = script.getAttribute("data-url");
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-application]")); }
  function tick() {
    var ids = rows().filter(function (r) { return r.querySelector("progress"); })
      .map(function (r) { return "id=" + r.getAttribute("data-application"); });
    if (!ids.length) { return; }
    fetch(url + "?" + ids.join("&"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var active = false;
        data.jobs.forEach(function (job) {
          var row = document.querySelector('tr[data-application="' + job.application + '"]');
          if (!row) { return; }
          row.querySelector("progress").value = job.percent;
          row.querySelector(".percent").textContent = job.percent + "%";
          row.querySelector(".state").textContent = job.state_label;
          row.querySelector(".step").textContent = job.step_label ? "— " + job.step_label : "";
          var err = row.querySelector(".error");
          err.hidden = job.state !== "failed";
          row.querySelector(".error-step").textContent = job.error_step;
          row.querySelector(".error-message").textContent = job.error;
          row.querySelector(".done").hidden = job.state !== "done";
          if (job.state === "pending" || job.state === "running") { active = true; }
        });
        setTimeout(tick, active ? 700 : 3000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  tick();
})();
