// 找活: suggestions as you type (an ARIA 1.2 combobox over /api/v1/market/suggest) and
// 找附近的活 with the phone's location (posted in a form body, never put in a URL).
// Progressive enhancement only: without this file the box is a plain search form and
// 找附近的活 posts without a location (the server then uses the saved profile point).
(function () {
  "use strict";

  // ------------------------------------------------------------ suggestions

  var input = document.getElementById("q");
  var list = document.getElementById("q-suggestions");
  var status = document.getElementById("q-status");
  var form = document.getElementById("search-form");

  function submitForm(f) {
    if (typeof f.requestSubmit === "function") f.requestSubmit();
    else f.submit();
  }

  if (input && list && form && window.fetch) {
    var endpoint = input.getAttribute("data-suggest");
    var items = [];
    var active = -1;
    var timer = 0;
    var composing = false;
    var seq = 0;
    var cache = {};

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var say = function (text) {
      if (status) status.textContent = text;
    };

    var close = function () {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };

    var setActive = function (i) {
      var options = list.querySelectorAll("[role=option]");
      active = i;
      for (var k = 0; k < options.length; k++) {
        options[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      if (i >= 0 && options[i]) {
        input.setAttribute("aria-activedescendant", options[i].id);
        if (options[i].scrollIntoView) options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };

    var pick = function (i) {
      var item = items[i];
      if (!item) return;
      input.value = item.query || item.text;
      close();
      say("已选择" + item.text + "，正在搜索");
      submitForm(form);
    };

    // What a suggestion is, said after the word: the trade it names, or its kind.
    var kindOf = function (item) {
      if (item.kind === "trade") return item.trade_name && item.trade_name !== item.text ? item.trade_name : "工种";
      if (item.kind === "condition") return "要求";
      if (item.kind === "place") return "地点";
      return "";
    };

    var show = function (found) {
      list.textContent = "";
      items = found.slice(0, 8);
      active = -1;
      if (!items.length) {
        close();
        return;
      }
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = "q-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var word = document.createElement("span");
        word.className = "word";
        word.textContent = item.text;
        li.appendChild(word);
        var kind = kindOf(item);
        if (kind) {
          var sub = document.createElement("span");
          sub.className = "sub";
          sub.textContent = kind;
          li.appendChild(sub);
        }
        // Keep the focus in the box while a suggestion is tapped or clicked.
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { pick(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      input.removeAttribute("aria-activedescendant");
      say("有" + items.length + "条建议，可用上下方向键选择，回车搜索");
    };

    var lookup = function () {
      var text = input.value.trim();
      // Nothing that looks like an ID or phone number ever goes into a URL.
      if (!text || /\d{6,}/.test(text)) {
        close();
        return;
      }
      if (cache[text]) {
        show(cache[text]);
        return;
      }
      var mine = ++seq;
      window.fetch(endpoint + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          if (!Array.isArray(found)) found = [];
          cache[text] = found;
          // Only the answer to what is in the box now is shown.
          if (mine === seq && input.value.trim() === text && document.activeElement === input) show(found);
        })
        .catch(function () { /* offline or refused: the plain form still works */ });
    };

    var later = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 150);
    };

    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function () {
      composing = false;
      later();
    });
    input.addEventListener("input", function () {
      if (!composing) later();
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden && items.length > 0;
      if (e.key === "ArrowDown" || e.key === "Down") {
        e.preventDefault();
        if (!open) {
          lookup();
          return;
        }
        setActive(active + 1 >= items.length ? 0 : active + 1);
      } else if (e.key === "ArrowUp" || e.key === "Up") {
        if (!open) return;
        e.preventDefault();
        setActive(active <= 0 ? items.length - 1 : active - 1);
      } else if (e.key === "Enter") {
        if (open && active >= 0 && !e.isComposing) {
          e.preventDefault();
          pick(active);
        }
      } else if (e.key === "Escape" || e.key === "Esc") {
        if (open) {
          e.preventDefault();
          close();
          say("建议已关闭");
        }
      } else if (e.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement !== input) close();
      }, 150);
    });
    form.addEventListener("submit", close);
  }

  // A search sends only the fields filled in, so its address stays short and readable.
  if (form) {
    form.addEventListener("submit", function () {
      var left = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.disabled || el.type === "submit") return;
        if (el.value === "" || (el.name === "sort" && el.value === "relevance")) {
          el.disabled = true;
          left.push(el);
        }
      });
      window.setTimeout(function () {
        left.forEach(function (el) { el.disabled = false; });
      }, 0);
    });
  }

  // ------------------------------------------------------------ 找附近的活

  var near = document.getElementById("nearby-form");
  if (near) {
    var button = document.getElementById("nearby-button");
    var nearStatus = document.getElementById("nearby-status");
    var field = function (f, name) { return f.elements.namedItem(name); };
    var asked = false;

    var send = function (lat, lon, geo) {
      field(near, "lat").value = lat;
      field(near, "lon").value = lon;
      field(near, "geo").value = geo;
      asked = true;
      submitForm(near);
    };

    near.addEventListener("submit", function (e) {
      // The words and filters as they are in the search form now.
      if (form) {
        ["q", "region", "occupation", "form", "pay_at_least", "date"].forEach(function (name) {
          var from = field(form, name);
          var to = field(near, name);
          if (from && to) to.value = from.value;
        });
      }
      if (asked) return;
      e.preventDefault();
      if (!navigator.geolocation || window.isSecureContext === false) {
        send("", "", "unsupported");
        return;
      }
      if (button) button.disabled = true;
      if (nearStatus) nearStatus.textContent = "正在取得您的位置…如果手机询问，请点“允许”。";
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          // About 100 metres is enough to sort work by distance.
          send(pos.coords.latitude.toFixed(3), pos.coords.longitude.toFixed(3), "");
        },
        function (err) {
          var why = err && err.code === 1 ? "denied" : err && err.code === 3 ? "timeout" : "unavailable";
          send("", "", why);
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });

    // Coming back to the page from the history: ready to ask again.
    window.addEventListener("pageshow", function () {
      asked = false;
      if (button) button.disabled = false;
    });
  }
})();
