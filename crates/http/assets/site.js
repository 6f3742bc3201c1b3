// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var C = "10X98765432";
  function idCheck(v) {
    v = v.replace(/\s/g, "").toUpperCase();
    if (!/^\d{17}[\dX]$/.test(v)) return v.length === 0 ? "" : "身份证号码应为18位";
    var s = 0;
    for (var i = 0; i < 17; i++) s += (v.charCodeAt(i) - 48) * W[i];
    return C.charAt(s % 11) === v.charAt(17) ? "" : "身份证号码校验位不正确，请核对";
  }
  document.querySelectorAll("input[data-check=id-number]").forEach(function (el) {
    var hint = document.getElementById(el.id + "-live");
    el.addEventListener("input", function () {
      var msg = idCheck(el.value);
      if (hint) hint.textContent = msg;
      el.setAttribute("aria-invalid", msg ? "true" : "false");
    });
  });
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("submit", function (e) {
      if (!window.confirm(el.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
  // Forms marked data-busy="正在提交…": once sent, their buttons are disabled and say so, so
  // a slow connection cannot send the form twice. A script that takes the submission over
  // (preventDefault) leaves the form as it is.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.type === "submit";
    });
  }
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (form.getAttribute("aria-busy") === "true") {
        e.preventDefault();
        return;
      }
      var by = e.submitter || submitButtons(form)[0];
      window.setTimeout(function () {
        if (e.defaultPrevented) return;
        form.setAttribute("aria-busy", "true");
        submitButtons(form).forEach(function (b) {
          b.disabled = true;
        });
        if (by) {
          by.setAttribute("data-label", by.textContent);
          by.textContent = form.getAttribute("data-busy");
          by.classList.add("busy");
        }
      }, 0);
    });
  });
  // Back to a page from the history: its forms can be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      submitButtons(form).forEach(function (b) {
        b.disabled = false;
        if (b.hasAttribute("data-label")) {
          b.textContent = b.getAttribute("data-label");
          b.removeAttribute("data-label");
          b.classList.remove("busy");
        }
      });
    });
  });
})();
