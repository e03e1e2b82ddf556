// The kiosk page: reads a card (camera, USB scanner, typed code), claims once per attendee, shows the badge,
// then forgets everything by reloading itself in place. No framework, no build step; the page's texts (both
// languages) and settings come from the template.
"use strict";
(function () {
  var root = document.getElementById("kiosk");
  var TEXTS = JSON.parse(document.getElementById("kiosk-texts").textContent);
  var BASE = root.getAttribute("data-base");
  var IDLE_S = parseInt(root.getAttribute("data-idle"), 10) || 60;
  var STATUS_EVERY_S = parseInt(root.getAttribute("data-status-every"), 10) || 5;
  var DISPLAY = root.getAttribute("data-display") === "true";
  var DISPLAY_PERIOD_S = parseInt(root.getAttribute("data-display-period"), 10) || 60;
  var FRAME_EVERY_MS = 333;      // about 3 frames a second: enough to catch a card held still, light on Wi-Fi
  var WEDGE_GAP_MS = 50;         // a scanner types faster than any person
  var WEDGE_MIN_LENGTH = 8;
  var RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000];

  var language = root.getAttribute("data-language");
  var screen = DISPLAY ? "display" : "attract";
  var lastActivity = Date.now();
  // The one attendee being served: lives only in this closure, never in storage or the URL.
  var attendee = null;
  var stream = null;
  var closed = false;
  var noticeKey = null;
  var errorKey = null;

  function byId(id) { return document.getElementById(id); }

  function t(key, values) {
    var text = (TEXTS[language] && TEXTS[language][key]) || key;
    Object.keys(values || {}).forEach(function (name) { text = text.split("%(" + name + ")s").join(values[name]); });
    return text;
  }

  // Language: every element marked data-t / data-t-alt / data-t-aria-label is rewritten, no reload.
  function applyLanguage() {
    document.documentElement.lang = language;
    document.querySelectorAll("[data-t]").forEach(function (el) { el.textContent = t(el.getAttribute("data-t")); });
    document.querySelectorAll("[data-t-alt]").forEach(function (el) { el.alt = t(el.getAttribute("data-t-alt")); });
    document.querySelectorAll("[data-t-aria-label]").forEach(function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-t-aria-label")));
    });
    var other = language === "fr" ? "en" : "fr";
    var toggle = byId("lang-toggle");
    toggle.textContent = TEXTS[other].language_name;
    toggle.lang = other;
    if (attendee && attendee.badgeName) { byId("badge-image").alt = t("badge_alt", {badge: attendee.badgeName}); }
    if (errorKey) { byId("error-text").textContent = t(errorKey); }
    if (noticeKey) { byId("notice").textContent = t(noticeKey); }
    tick();
  }

  function show(name) {
    screen = name;
    // A new screen is a new start for the idle count: a card read by the camera touches nothing.
    lastActivity = Date.now();
    document.querySelectorAll(".screen").forEach(function (el) { el.hidden = el.id !== "screen-" + name; });
    if (name !== "attract") { notice(null); }
    var heading = document.querySelector("#screen-" + name + " h1");
    if (heading && name !== "attract" && name !== "display") {
      heading.setAttribute("tabindex", "-1");
      heading.focus({preventScroll: true});
    }
  }

  function notice(key) {
    noticeKey = key;
    byId("notice").textContent = key ? t(key) : "";
  }

  // Forgetting the attendee: stop the camera, clear storage, and replace this page by a fresh copy
  // (location.replace adds no history entry, so "back" leads nowhere near the last person).
  function reset() {
    stopCamera();
    attendee = null;
    try { window.sessionStorage.clear(); window.localStorage.clear(); } catch (e) { /* storage disabled */ }
    window.location.replace(BASE);
  }

  function showClosed() {
    closed = true;
    attendee = null;
    stopCamera();
    try { window.sessionStorage.clear(); window.localStorage.clear(); } catch (e) { /* storage disabled */ }
    // The page stays on "closed" (no reload: the kiosk is gone): what it showed of the attendee goes now.
    document.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    ["badge-image", "download-qr"].forEach(function (id) { byId(id).removeAttribute("src"); byId(id).alt = ""; });
    byId("badge-name").textContent = "";
    show("closed");
  }

  function showError(key) {
    errorKey = key;
    byId("error-text").textContent = t(key);
    show("error");
  }

  function errorKeyFor(body, status) {
    var code = body && body.error && body.error.code;
    if (code && TEXTS[language]["error_" + code]) { return "error_" + code; }
    return status === 429 ? "error_rate_limited" : "error_other";
  }

  // ---- Reading a card ----------------------------------------------------------------------------

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function codeRead(text) {
    if (closed || attendee || !text) { return; }
    // One key per attendee, made when their card is read: every retry of their claim reuses it.
    attendee = {code: text, key: newKey()};
    stopCamera();
    byId("code-input").value = "";
    show("form");
    var first = byId("name-input");
    first.focus({preventScroll: true});
  }

  function startCamera() {
    var state = byId("camera-state");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      state.setAttribute("data-t", "camera_missing");
      state.textContent = t("camera_missing");
      return;
    }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment", width: {ideal: 1280}}, audio: false})
      .then(function (media) {
        if (screen !== "attract" || attendee || closed) { media.getTracks().forEach(function (tr) { tr.stop(); }); return; }
        stream = media;
        var video = byId("camera");
        video.srcObject = media;
        video.play().catch(function () { /* autoplay of a muted video is allowed; nothing to tell */ });
        state.hidden = true;
        scanLoop(video);
      })
      .catch(function () {
        state.setAttribute("data-t", "camera_missing");
        state.textContent = t("camera_missing");
      });
  }

  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    var video = byId("camera");
    if (video) { video.pause(); video.srcObject = null; }
  }

  function scanLoop(video) {
    var detector = null;
    if ("BarcodeDetector" in window) {
      try { detector = new window.BarcodeDetector({formats: ["qr_code"]}); } catch (e) { detector = null; }
    }
    var canvas = document.createElement("canvas");
    var busy = false;
    var timer = window.setInterval(function () {
      if (!stream) { window.clearInterval(timer); return; }
      if (busy || screen !== "attract" || video.readyState < 2 || !video.videoWidth) { return; }
      busy = true;
      var done = function () { busy = false; };
      if (detector) {
        detector.detect(video).then(function (found) {
          if (found.length) { codeRead(found[0].rawValue); }
        }).catch(function () { detector = null; }).then(done);
        return;
      }
      // No BarcodeDetector (Chromium on Linux): the server decodes the frame and keeps nothing of it.
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d").drawImage(video, 0, 0);
      canvas.toBlob(function (blob) {
        if (!blob || !stream) { done(); return; }
        fetch(BASE + "/frames", {method: "POST", body: blob, headers: {"Content-Type": "image/jpeg"},
                                 credentials: "same-origin", cache: "no-store"})
          .then(function (response) {
            if (response.status === 404) { showClosed(); return null; }
            return response.ok ? response.json() : null;
          })
          .then(function (body) {
            if (!body) { return; }
            if (body.code) { codeRead(body.code); } else if (body.foreign) { notice("foreign_qr"); }
            else if (noticeKey === "foreign_qr") { notice(null); }  // the wrong card is gone from view
          })
          .catch(function () { /* a lost frame: the next one will do */ })
          .then(done);
      }, "image/jpeg", 0.85);
    }, FRAME_EVERY_MS);
  }

  // ---- The USB scanner (keyboard wedge) -------------------------------------------------------------
  // A scanner types its text fast and ends with Enter. One set for a QWERTY keyboard, plugged into an AZERTY
  // computer, types "&é\"'" for "1234": the physical keys (event.code) still say what it meant, and when a
  // browser gives no key positions the French AZERTY characters are mapped back.

  // Physical key -> [QWERTY, QWERTY shifted, AZERTY, AZERTY shifted] for the keys that differ.
  var KEYS = {
    Digit1: ["1", "!", "&", "1"], Digit2: ["2", "@", "é", "2"], Digit3: ["3", "#", "\"", "3"],
    Digit4: ["4", "$", "'", "4"], Digit5: ["5", "%", "(", "5"], Digit6: ["6", "^", "-", "6"],
    Digit7: ["7", "&", "è", "7"], Digit8: ["8", "*", "_", "8"], Digit9: ["9", "(", "ç", "9"],
    Digit0: ["0", ")", "à", "0"], Minus: ["-", "_", ")", "°"], Equal: ["=", "+", "=", "+"],
    KeyQ: ["q", "Q", "a", "A"], KeyW: ["w", "W", "z", "Z"], KeyA: ["a", "A", "q", "Q"],
    KeyZ: ["z", "Z", "w", "W"], KeyM: ["m", "M", ",", "?"], Semicolon: [";", ":", "m", "M"],
    Comma: [",", "<", ";", "."], Period: [".", ">", ":", "/"], Slash: ["/", "?", "!", "§"]
  };
  // What each AZERTY character was meant to be; digits typed with Shift are already right and stay.
  var FROM_FRENCH = {};
  Object.keys(KEYS).forEach(function (code) {
    FROM_FRENCH[KEYS[code][2]] = KEYS[code][0];
    if (!/[0-9]/.test(KEYS[code][3])) { FROM_FRENCH[KEYS[code][3]] = KEYS[code][1]; }
  });
  // Belgian AZERTY differs: "§" and "!" on the digit row for 6 and 8, "-" "_" where QWERTY has "=" "+".
  var FROM_BELGIAN = Object.assign({}, FROM_FRENCH, {"§": "6", "!": "8", "-": "=", "_": "+", "=": "/", "+": "?"});

  function qwertyOf(stroke) {
    if (KEYS[stroke.code]) { return KEYS[stroke.code][stroke.shift ? 1 : 0]; }
    var letter = /^Key([A-Z])$/.exec(stroke.code);
    if (letter) { return stroke.shift ? letter[1] : letter[1].toLowerCase(); }
    return null;
  }

  function looksLikeClaim(text) {
    return /^(https?:\/\/|t\.me\/|tg:)[\x21-\x7e]+$/i.test(text) ||
      /^[0-9A-Za-z]{15}$/.test(text.replace(/[\s\-.]/g, ""));
  }

  function readScan(strokes) {
    var typed = strokes.map(function (s) { return s.key; }).join("");
    if (looksLikeClaim(typed)) { return typed; }
    var positions = strokes.map(qwertyOf);
    if (positions.every(function (c) { return c !== null; }) && looksLikeClaim(positions.join(""))) {
      return positions.join("");
    }
    return unAzerty(typed);
  }

  function unAzerty(text) {
    if (looksLikeClaim(text)) { return text; }
    var layouts = [FROM_FRENCH, FROM_BELGIAN];
    for (var i = 0; i < layouts.length; i++) {
      var table = layouts[i];
      var mapped = Array.prototype.map.call(text, function (c) { return table[c] || c; }).join("");
      if (looksLikeClaim(mapped)) { return mapped; }
    }
    return text;
  }

  // Gaps are measured between the events' own time stamps (when the keys came in), not when this handler
  // ran: a busy page (the camera starting) would otherwise split one fast scan into slow pieces.
  var strokes = [];
  document.addEventListener("keydown", function (event) {
    lastActivity = Date.now();
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) { strokes = []; return; }
    var at = event.timeStamp;
    if (strokes.length && at - strokes[strokes.length - 1].at > WEDGE_GAP_MS) { strokes = []; }
    if (event.key === "Enter") {
      var scanned = strokes;
      strokes = [];
      if (scanned.length >= WEDGE_MIN_LENGTH && (screen === "attract" || screen === "typing")) {
        event.preventDefault();
        codeRead(readScan(scanned));
      }
      return;
    }
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      strokes.push({key: event.key, code: event.code || "", shift: event.shiftKey, at: at});
    }
  });

  // ---- Claiming ---------------------------------------------------------------------------------

  function claim(withDetails) {
    if (!attendee || attendee.sending) { return; }
    var body = {code: attendee.code};
    if (withDetails) {
      var name = byId("name-input").value.trim();
      var email = byId("email-input") ? byId("email-input").value.trim() : "";
      if (name) { body.name = name; }
      if (email) { body.email = email; }
    }
    attendee.sending = true;
    byId("retrying").hidden = true;
    show("sending");
    send(body, 0);
  }

  function send(body, attempt) {
    fetch(BASE + "/claims", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "Accept-Language": language, "Idempotency-Key": attendee.key},
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("server " + response.status); }
      // A refusal without JSON (a proxy's page) is still a refusal, not a network problem to retry.
      return response.json().catch(function () { return null; })
        .then(function (answer) { return {status: response.status, answer: answer}; });
    }).then(function (result) {
      if (!attendee) { return; }
      if (result.status === 200 || result.status === 201) { showBadge(result.answer); return; }
      attendee.sending = false;
      var error = result.answer && result.answer.error;
      if (result.status === 404 && error && error.code === "kiosk_closed") { showClosed(); return; }
      // The name field's maxlength keeps it valid: an invalid input with an e-mail given is the e-mail.
      if (error && error.code === "invalid_input" && body.email && (!error.field || error.field === "email")) {
        show("form");
        var message = byId("email-error");
        message.setAttribute("data-t", "error_invalid_email");
        message.textContent = t("error_invalid_email");
        message.hidden = false;
        byId("email-input").setAttribute("aria-invalid", "true");
        byId("email-input").focus();
        return;
      }
      showError(errorKeyFor(result.answer, result.status));
    }).catch(function () {
      // The network (or the server) failed: the same key again, so the server hands back the same award.
      if (!attendee) { return; }
      if (attempt >= RETRY_DELAYS_MS.length) { attendee.sending = false; showError("error_other"); return; }
      byId("retrying").hidden = false;
      window.setTimeout(function () { if (attendee) { send(body, attempt + 1); } }, RETRY_DELAYS_MS[attempt]);
    });
  }

  function showBadge(answer) {
    attendee.badgeName = answer.badge_name;
    var image = byId("badge-image");
    image.src = answer.image_url;
    image.alt = t("badge_alt", {badge: answer.badge_name});
    byId("badge-name").textContent = answer.badge_name;
    byId("download-qr").src = answer.download_qr_url;
    byId("emailed").hidden = !answer.emailed;
    // The form's values are no longer needed: gone from the DOM before the badge shows.
    document.querySelectorAll("#claim-form input").forEach(function (input) { input.value = ""; });
    show("badge");
    tick();
  }

  // ---- Idle reset and the kiosk's status ----------------------------------------------------------

  function tick() {
    var countdown = byId("countdown");
    if (screen === "badge") {
      var left = Math.max(0, Math.ceil(IDLE_S - (Date.now() - lastActivity) / 1000));
      countdown.textContent = t("idle_countdown", {seconds: String(left)});
    } else {
      countdown.textContent = "";
    }
  }

  window.setInterval(function () {
    if (closed) { return; }
    tick();
    var busy = screen === "sending";
    var personal = screen === "typing" || screen === "form" || screen === "badge" || screen === "error";
    if (personal && !busy && Date.now() - lastActivity >= IDLE_S * 1000) { reset(); }
  }, 250);

  ["pointerdown", "input", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function () { lastActivity = Date.now(); }, {passive: true});
  });

  function pollStatus() {
    if (closed) { return; }
    fetch(BASE + "/status", {cache: "no-store", credentials: "same-origin"})
      .then(function (response) { if (response.status === 404) { showClosed(); } })
      .catch(function () { /* offline for a moment: the next poll will tell */ });
  }
  window.setInterval(pollStatus, STATUS_EVERY_S * 1000);

  // ---- Display mode ------------------------------------------------------------------------------

  function refreshDisplay() {
    var image = byId("display-qr");
    if (!image || closed) { return; }
    // A fresh URL each time: the QR's token changes with each period, and no cache may keep an old one.
    image.src = BASE + "/display.svg?n=" + Date.now();
  }

  // ---- Wiring ------------------------------------------------------------------------------------

  byId("lang-toggle").addEventListener("click", function () {
    language = language === "fr" ? "en" : "fr";
    applyLanguage();
  });
  byId("type-code").addEventListener("click", function () {
    show("typing");
    byId("code-input").focus();
  });
  byId("code-cancel").addEventListener("click", function () {
    byId("code-input").value = "";
    show("attract");
  });
  byId("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = byId("code-input").value.trim();
    if (text) { codeRead(unAzerty(text)); }
  });
  byId("claim-form").addEventListener("submit", function (event) {
    event.preventDefault();
    claim(true);
  });
  byId("claim-skip").addEventListener("click", function () { claim(false); });
  byId("badge-done").addEventListener("click", reset);
  byId("error-again").addEventListener("click", reset);
  window.addEventListener("pagehide", stopCamera);

  if (DISPLAY) {
    window.setInterval(refreshDisplay, DISPLAY_PERIOD_S * 500);
  } else {
    startCamera();
  }
})();
