// Web chat against Rasa's "webchat" channel; staff replies arrive through /updates polling.
(function () {
  "use strict";
  var cfg = window.WEBCHAT;
  var log = document.getElementById("log");
  var input = document.getElementById("text");
  var key = "portal-chat-sender";
  var sender = localStorage.getItem(key);
  if (!sender) {
    sender = "web-" + (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
    localStorage.setItem(key, sender);
  }
  input.placeholder = cfg.texts.placeholder;
  document.querySelector("#send button").textContent = cfg.texts.send;

  function show(who, msg) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    if (msg.text) div.textContent = msg.text;
    if (msg.image) { var img = document.createElement("img"); img.src = msg.image; img.alt = ""; div.appendChild(img); }
    if (msg.buttons && msg.buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      msg.buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.onclick = function () { send(b.payload, b.title); };
        row.appendChild(btn);
      });
      div.appendChild(row);
    }
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function send(message, shown) {
    show("user", { text: shown || message });
    fetch(cfg.rasa + "/webhooks/webchat/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: message, metadata: { lang: cfg.lang } })
    }).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (msgs) { msgs.forEach(function (m) { show("bot", m); }); })
      .catch(function () { show("bot", { text: cfg.texts.offline }); });
  }

  function poll() {
    fetch(cfg.rasa + "/webhooks/webchat/updates?sender=" + encodeURIComponent(sender))
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (body) { body.messages.forEach(function (m) { show("bot", m); }); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 3000); });
  }

  document.getElementById("send").addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  poll();
})();
