/* Live hotlist alerts (USE-8): polls the server every 2 seconds and shows each new alert as a banner
   with a sound and a screen-reader announcement. Loaded on every page for roles that verify alerts
   (templates/hotlists/_alert_feed.html). No inline script: the CSP allows only files from this site. */
(function () {
  "use strict";
  var feed = document.getElementById("alert-feed");
  if (!feed || window.alprAlertFeedStarted) { return; }
  window.alprAlertFeedStarted = true;

  var POLL_MS = 2000;
  var STORAGE_KEY = "alpr-alert-after";
  var pollUrl = feed.getAttribute("data-poll-url");
  var list = document.getElementById("alert-feed-list");
  var live = document.getElementById("alert-feed-live");
  // Alerts this tab has announced already: not again on the next page (sessionStorage is per tab).
  var SHOWN_KEY = "alpr-alerts-shown";
  var shown = {};
  try {
    JSON.parse(window.sessionStorage.getItem(SHOWN_KEY) || "[]").forEach(function (id) { shown[id] = true; });
  } catch (e) { shown = {}; }
  function remember(id) {
    shown[id] = true;
    var ids = Object.keys(shown).slice(-200);
    window.sessionStorage.setItem(SHOWN_KEY, JSON.stringify(ids));
  }
  // The feed is rendered at the end of the page (no inline script, one include); show it in the flow
  // right above the main content, where it pushes the page down instead of covering it.
  var main = document.getElementById("main");
  if (main && main.parentNode) { main.parentNode.insertBefore(feed, main); }
  var after = parseInt(window.sessionStorage.getItem(STORAGE_KEY) || "0", 10) || 0;
  var audio = null;
  var stopped = false;
  // Polling must not keep an unattended session alive past the policy's idle timeout (ACC-9):
  // without keyboard, mouse or touch activity for that long, the feed stops.
  var idleMs = (parseInt(feed.getAttribute("data-idle-minutes") || "30", 10) || 30) * 60000;
  var lastActivity = Date.now();
  ["keydown", "mousedown", "mousemove", "touchstart", "scroll"].forEach(function (name) {
    document.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return null; }
    if (!audio) { audio = new Ctx(); }
    return audio;
  }
  // Browsers start audio only after a user gesture: unlock it on the first click or key press.
  function unlock() {
    var ctx = audioContext();
    if (ctx && ctx.state === "suspended") { ctx.resume(); }
  }
  document.addEventListener("click", unlock, { once: true });
  document.addEventListener("keydown", unlock, { once: true });

  function beep(high) {
    var ctx = audioContext();
    if (!ctx) { return; }
    var tones = high ? [988, 740, 988] : [880, 660];
    tones.forEach(function (frequency, i) {
      var start = ctx.currentTime + i * 0.22;
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.2);
    });
    feed.setAttribute("data-last-beep", String(Date.now()));
  }

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    node.textContent = content;
    return node;
  }

  function show(alert) {
    if (shown[alert.id]) { return false; }
    remember(alert.id);
    var item = document.createElement("div");
    item.className = "alert-banner priority-" + alert.priority.toLowerCase();
    item.setAttribute("data-alert-id", alert.id);
    var sure = alert.state_confidence == null ? "" : ", " + Math.round(alert.state_confidence * 100) + " % sure";
    var plate = alert.plate ? alert.plate + (alert.state ? " (" + alert.state + sure + ")" : "") : alert.entry_plate;
    item.appendChild(text("strong", "alert-banner-title", "Hotlist alert: " + plate));
    if (alert.state_differs) {
      item.appendChild(text("span", "status-tag", "State differs: read " + alert.state + ", entry " +
        alert.entry_state));
    }
    item.appendChild(text("span", "", " " + alert.reason + " · " + alert.priority + " priority · " +
      alert.match + " · " + alert.camera + " at " + alert.captured_at + ". Verify before acting."));
    var link = text("a", "button", "Verify now");
    link.href = alert.url;
    item.appendChild(link);
    var dismiss = text("button", "button button-secondary", "Hide");
    dismiss.type = "button";
    dismiss.setAttribute("aria-label", "Hide this banner (the alert stays in the inbox)");
    dismiss.addEventListener("click", function () { item.remove(); });
    item.appendChild(dismiss);
    list.insertBefore(item, list.firstChild);
    live.textContent = "New hotlist alert: " + plate + (alert.state_differs ? ", state differs" : "") + ", " +
      alert.reason + ", " + alert.camera + ".";
    return true;
  }

  function pause() {
    stopped = true;
    var note = text("p", "alert-feed-paused", "Live alerts paused after inactivity. Reload the page to resume.");
    list.appendChild(note);
    live.textContent = "Live alerts paused after inactivity.";
  }

  function poll() {
    if (stopped) { return; }
    if (Date.now() - lastActivity > idleMs) { pause(); return; }
    fetch(pollUrl + "?after=" + encodeURIComponent(after), {
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-ALPR-Background": "1" },
      redirect: "manual"
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") !== 0) {
        // Signed out, timed out or no longer allowed: stop; the next page load starts again.
        if (response.status === 401 || response.status === 403 || response.type === "opaqueredirect") {
          stopped = true;
        }
        return null;
      }
      return response.json();
    }).then(function (data) {
      if (!data) { return; }
      var fresh = (data.alerts || []).filter(show);
      if (fresh.length) {
        beep(fresh.some(function (a) { return a.priority === "High"; }));
      }
      after = Math.max(after, data.latest || 0);
      window.sessionStorage.setItem(STORAGE_KEY, String(after));
      feed.setAttribute("data-unverified", String(data.unverified || 0));
    }).catch(function () { /* network hiccup: try again next tick */ })
      .then(function () { if (!stopped) { window.setTimeout(poll, POLL_MS); } });
  }
  poll();
}());
