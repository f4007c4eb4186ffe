// Quiz page: count down from the server's figure (never the device clock), save each answer as it is
// chosen, and submit at zero. An answer the server has not acknowledged is kept in this browser
// (localStorage, per attempt) and sent again with backoff and when the connection returns, so a dropped
// connection or a reload loses nothing. Without this script the form still works: "Submit answers" saves
// everything it carries.
(function () {
  "use strict";
  var finished = document.getElementById("quiz-finished");
  if (finished) { forget(finished.getAttribute("data-attempt")); return; }
  var form = document.getElementById("quiz-form");
  var timer = document.getElementById("timer");
  if (!form || !timer) { return; }
  var announcer = document.getElementById("time-announcer");
  var status = document.getElementById("save-status");
  var tokenField = form.querySelector("input[name=csrf_token]");
  var saveUrl = form.getAttribute("data-save-url");
  var tokenUrl = form.getAttribute("data-token-url");
  var storeKey = "quizapp.attempt." + form.getAttribute("data-attempt") + ".waiting";
  var secondsAtLoad = parseInt(timer.getAttribute("data-seconds-left"), 10);
  var loadedAt = performance.now();
  var submitted = false, submitting = false, stopped = false;
  var announced = {};
  var inFlight = {};     // question id -> the options being sent now
  var retryDelay = 1000, retryTimer = null;
  var notCounted = [];
  var SURE = "sure:";

  function forget(attemptId) {
    try { window.localStorage.removeItem("quizapp.attempt." + attemptId + ".waiting"); } catch (e) { /* private mode */ }
  }

  function readWaiting() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }

  function writeWaiting(waiting) {
    try {
      if (Object.keys(waiting).length) { window.localStorage.setItem(storeKey, JSON.stringify(waiting)); }
      else { window.localStorage.removeItem(storeKey); }
    } catch (e) { /* storage full or disabled: the answers still go to the server */ }
  }

  var waiting = readWaiting();

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

  function fieldsetFor(id) { return form.querySelector("fieldset[data-question='" + id + "']"); }

  function questionNumber(id) {
    var all = form.querySelectorAll("fieldset[data-question]");
    for (var i = 0; i < all.length; i += 1) { if (all[i].getAttribute("data-question") === String(id)) { return i + 1; } }
    return id;
  }

  function questionStatus(id, text, failed) {
    var fieldset = fieldsetFor(id);
    if (!fieldset) { return; }
    var el = fieldset.querySelector(".question-status");
    el.textContent = text;
    el.classList.toggle("error-message", !!failed);
  }

  function say(message, link) {
    status.textContent = message ? message + (link ? " " : "") : "";
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      status.appendChild(a);
    }
  }

  // Ticked options, and for matching and ordering each select's "item=value" (one select per item).
  function chosen(fieldset) {
    var picked = Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (i) { return i.value; });
    Array.prototype.forEach.call(fieldset.querySelectorAll("select"), function (s) { if (s.value) { picked.push(s.value); } });
    return picked;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function scheduleRetry() {
    if (retryTimer || stopped) { return; }
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function renewToken() {
    return fetch(tokenUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (body) { if (body.csrf_token) { tokenField.value = body.csrf_token; } });
  }

  // The "How sure are you?" radios sit in the question's fieldset, so they are kept and restored with its
  // answer; they are sent apart from the options ("sure": true, false or null when not asked or not said).
  function post(id, values) {
    var options = values.filter(function (v) { return v.indexOf(SURE) !== 0; });
    var rated = values.filter(function (v) { return v.indexOf(SURE) === 0; })[0];
    return fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": tokenField.value },
      body: JSON.stringify({ question: parseInt(id, 10), options: options, sure: rated ? rated === SURE + "yes" : null })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  function settled(id, options) {
    if (waiting[id] && same(waiting[id], options)) { delete waiting[id]; writeWaiting(waiting); }
  }

  function send(id, renewed) {
    var options = waiting[id];
    inFlight[id] = options;
    return post(id, options).then(function (result) {
      var body = result.body;
      if (result.status === 200 && body.saved) {
        settled(id, options);
        retryDelay = 1000;
        if (!waiting[id]) { questionStatus(id, "Saved"); }
      } else if (result.status === 400 && body.stale_token && !renewed) {
        return renewToken().then(function () { delete inFlight[id]; return send(id, true); });
      } else if (result.status === 401) {
        stopped = true;
        say(body.message || "You have been signed out.", { href: body.sign_in_url || "/sign-in", text: "Sign in again" });
        questionStatus(id, "Not saved yet: kept on this device until you sign in again", true);
      } else if (result.status === 409) {
        stopped = true;
        settled(id, options);
        notCounted.push(questionNumber(id));
        questionStatus(id, "Not counted: " + body.message, true);
        closed(body);
      } else if (result.status >= 500 || result.status === 429 || result.status === 0) {
        questionStatus(id, "Not saved yet: will retry", true);
        scheduleRetry();
      } else {
        settled(id, options);
        questionStatus(id, "Not saved: " + (body.message || "the answer was refused."), true);
        say(body.message || "An answer was refused.");
      }
    }, function () {
      questionStatus(id, "Not saved yet: will retry", true);
      say("The connection dropped. Your answers are kept on this device and will be sent when it is back.");
      scheduleRetry();
    }).then(function () { delete inFlight[id]; });
  }

  function closed(body) {
    var list = notCounted.slice().sort(function (a, b) { return a - b; });
    var message = "This quiz has closed. " + (list.length ?
      "These answers reached the server too late and were not counted: question " + list.join(", ") + ". " : "");
    say(message, body.result_url ? { href: body.result_url, text: "See your result" } : null);
    Object.keys(waiting).forEach(function (id) {
      if (list.indexOf(questionNumber(id)) < 0) { notCounted.push(questionNumber(id)); }
      questionStatus(id, "Not counted: the quiz had closed", true);
    });
    waiting = {};
    writeWaiting(waiting);
  }

  // Send every waiting answer not already on its way; resolves when all have been answered.
  function flush() {
    if (stopped) { return Promise.resolve(); }
    var sends = Object.keys(waiting).filter(function (id) { return !inFlight[id]; }).map(function (id) {
      return send(id, false);
    });
    return Promise.all(sends).then(function () {
      if (!Object.keys(waiting).length && !stopped) { say(""); }
    });
  }

  function choose(fieldset) {
    var id = fieldset.getAttribute("data-question");
    waiting[id] = chosen(fieldset);
    writeWaiting(waiting);
    questionStatus(id, inFlight[id] ? "Not saved yet: will retry" : "Saving…");
    if (inFlight[id]) { return; }  // the reply to the earlier send will find this newer answer waiting
    send(id, false).then(function () { if (waiting[id] && !inFlight[id] && !stopped) { scheduleRetry(); } });
  }

  function restore() {
    Object.keys(waiting).forEach(function (id) {
      var fieldset = fieldsetFor(id);
      if (!fieldset) { delete waiting[id]; return; }
      Array.prototype.forEach.call(fieldset.querySelectorAll("input"), function (input) {
        input.checked = waiting[id].indexOf(input.value) >= 0;
      });
      Array.prototype.forEach.call(fieldset.querySelectorAll("select"), function (select) {
        var kept = Array.prototype.filter.call(select.options, function (o) { return o.value && waiting[id].indexOf(o.value) >= 0; });
        select.value = kept.length ? kept[0].value : "";
      });
      questionStatus(id, "Not saved yet: will retry", true);
    });
    writeWaiting(waiting);
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
      // The server's grace period covers answers still on their way; the form carries every answer too.
      flush().then(submitNow, submitNow);
      return;
    }
    setTimeout(tick, 250);
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (fieldset) { choose(fieldset); }
  });
  form.addEventListener("submit", function (event) {
    if (submitted) { return; }
    event.preventDefault();
    if (navigator.onLine === false) {
      say("You are offline. Your answers are kept on this device: press Submit answers again when you are back online.");
      return;
    }
    if (submitting) { return; }
    submitting = true;
    say("Sending your last answers…");
    var giveUp = new Promise(function (resolve) { setTimeout(resolve, 5000); });
    Promise.race([flush(), giveUp]).then(submitNow, submitNow);
  });
  window.addEventListener("online", function () { retryDelay = 1000; flush(); });
  restore();
  flush();
  tick();
}());
