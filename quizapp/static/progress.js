// Progress page: ask the server for the figures every few seconds and update the counts and the failures
// table until nothing is waiting. Without this script a reload shows the same figures.
(function () {
  "use strict";
  var root = document.getElementById("progress");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  var bar = document.getElementById("progress-bar");
  var wrap = document.getElementById("failures-wrap");
  var body = wrap ? wrap.querySelector("tbody") : null;
  var shownFailures = body ? body.rows.length : 0;

  function set(name, value) {
    var node = root.querySelector("[data-count=" + name + "]");
    if (node) { node.textContent = String(value); }
  }

  function cell(tag, text, scope) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (scope) { node.setAttribute("scope", scope); }
    return node;
  }

  function showFailures(failures) {
    if (!body || failures.length === shownFailures) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    failures.forEach(function (f) {
      var row = document.createElement("tr");
      row.appendChild(cell("th", f.name, "row"));
      row.appendChild(cell("td", f.email));
      row.appendChild(cell("td", f.reason));
      body.appendChild(row);
    });
    shownFailures = failures.length;
    wrap.hidden = failures.length === 0;
  }

  function update(data) {
    ["sent", "waiting", "failed", "total"].forEach(function (k) { set(k, data[k]); });
    if (bar) { bar.max = data.total; bar.value = data.sent + data.failed; bar.textContent = bar.value + " of " + data.total; }
    showFailures(data.failures);
    var done = root.querySelector("[data-done]");
    if (done && data.done) { done.textContent = "All done."; }
    return data.done;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) { if (!update(data)) { window.setTimeout(poll, 3000); } })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  var waiting = root.querySelector("[data-count=waiting]");
  if (waiting && waiting.textContent !== "0") { window.setTimeout(poll, 2000); }
}());

// A bulk job's page (the evidence pack, a large import): the state in words until the job finishes, then the
// parts of the page shown when it is ready, or a reload when the finished page says more than the words.
(function () {
  "use strict";
  var root = document.getElementById("job-progress");
  if (!root || !root.hasAttribute("data-polling")) { return; }
  var url = root.getAttribute("data-status-url");
  var words = document.getElementById("job-status");
  var bar = document.getElementById("job-bar");

  function finish(data) {
    if (root.hasAttribute("data-reload-when-finished")) { window.location.reload(); return; }
    if (bar) { bar.hidden = true; }
    root.querySelectorAll("[data-while-running]").forEach(function (n) { n.hidden = true; });
    if (data.state === "ready") {
      document.querySelectorAll("[data-when-ready]").forEach(function (n) { n.hidden = false; });
    }
  }

  function update(data) {
    if (words.textContent !== data.text) { words.textContent = data.text; }
    if (bar && data.total) { bar.max = data.total; bar.value = data.done; bar.textContent = data.done + " of " + data.total; }
    if (data.finished) { finish(data); }
    return data.finished;
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) { if (!update(data)) { window.setTimeout(poll, 2000); } })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 1000);
}());
