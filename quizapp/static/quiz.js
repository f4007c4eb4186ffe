// Quiz page: count down from the server's figure (never the device clock), save each answer as it is
// chosen, and submit at zero. Without this script the form still works: "Submit answers" saves everything.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  var timer = document.getElementById("timer");
  if (!form || !timer) { return; }
  var announcer = document.getElementById("time-announcer");
  var status = document.getElementById("save-status");
  var token = form.querySelector("input[name=csrf_token]").value;
  var saveUrl = form.getAttribute("data-save-url");
  var secondsAtLoad = parseInt(timer.getAttribute("data-seconds-left"), 10);
  var loadedAt = performance.now();
  var submitted = false;
  var announced = {};
  var pending = 0;

  function words(total) {
    var m = Math.floor(total / 60), s = total % 60, parts = [];
    if (m) { parts.push(m + (m === 1 ? " minute" : " minutes")); }
    if (s || !m) { parts.push(s + (s === 1 ? " second" : " seconds")); }
    return parts.join(" ");
  }

  function clock(total) {
    var m = Math.floor(total / 60), s = total % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function submitNow() {
    if (submitted) { return; }
    submitted = true;
    form.submit();
  }

  function tick() {
    var left = Math.max(0, secondsAtLoad - Math.floor((performance.now() - loadedAt) / 1000));
    timer.textContent = clock(left);
    [300, 60, 30].forEach(function (mark) {
      if (left <= mark && secondsAtLoad > mark && !announced[mark]) {
        announced[mark] = true;
        announcer.textContent = words(mark) + " left.";
      }
    });
    if (left === 0) {
      announcer.textContent = "Time is up. Submitting your saved answers.";
      // Let any save still in flight land first; the server's grace period covers it.
      var wait = pending ? 1500 : 0;
      setTimeout(submitNow, wait);
      return;
    }
    setTimeout(tick, 250);
  }

  function questionStatus(fieldset, text, failed) {
    var el = fieldset.querySelector(".question-status");
    el.textContent = text;
    el.classList.toggle("error-message", !!failed);
  }

  function save(fieldset) {
    var id = parseInt(fieldset.getAttribute("data-question"), 10);
    var chosen = Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (i) { return i.value; });
    questionStatus(fieldset, "Saving…");
    pending += 1;
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ question: id, options: chosen })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { ok: response.ok, body: body };
      });
    }).then(function (result) {
      if (result.ok && result.body.saved) {
        questionStatus(fieldset, "Saved");
        status.textContent = "";
      } else {
        var message = result.body.message || "Your answer was not saved. Check your connection and choose it again.";
        questionStatus(fieldset, "Not saved: " + message, true);
        status.textContent = message;
        if (result.body.finished && result.body.result_url) { window.location.assign(result.body.result_url); }
      }
    }).catch(function () {
      var message = "Your answer was not saved because the connection dropped. Choose it again, or press Submit answers when you are back online.";
      questionStatus(fieldset, "Not saved: " + message, true);
      status.textContent = message;
    }).then(function () { pending -= 1; });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (fieldset) { save(fieldset); }
  });
  form.addEventListener("submit", function () { submitted = true; });
  tick();
}());
