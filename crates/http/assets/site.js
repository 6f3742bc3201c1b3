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
  // Every form that posts: once sent, its buttons are disabled and the one pressed says
  // 正在提交… (or the form's own data-busy text), so a slow connection cannot send it twice.
  // A script that takes the submission over (preventDefault) leaves the form as it is; a form
  // marked data-no-busy is left alone.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.type === "submit";
    });
  }
  function markBusy(form, by) {
    form.setAttribute("aria-busy", "true");
    submitButtons(form).forEach(function (b) {
      b.disabled = true;
    });
    if (by) {
      by.setAttribute("data-label", by.textContent);
      by.textContent = form.getAttribute("data-busy") || "正在提交…";
      by.classList.add("busy");
    }
  }
  document.querySelectorAll("form").forEach(function (form) {
    var method = (form.getAttribute("method") || "get").toLowerCase();
    if ((method !== "post" && !form.hasAttribute("data-busy")) || form.hasAttribute("data-no-busy")) return;
    form.addEventListener("submit", function (e) {
      if (form.getAttribute("aria-busy") === "true") {
        e.preventDefault();
        return;
      }
      var by = e.submitter || submitButtons(form)[0];
      window.setTimeout(function () {
        if (e.defaultPrevented) return;
        markBusy(form, by);
      }, 0);
    });
  });
  // Large file uploads (over 512 KB, which take a while on a phone or a county network): sent
  // with a progress bar. The answer (a page) replaces this one, as a normal submission would;
  // small files, and browsers without scripts, post as usual.
  document.querySelectorAll("form[enctype='multipart/form-data']").forEach(function (form) {
    if (!window.XMLHttpRequest || !window.FormData) return;
    form.addEventListener("submit", function (e) {
      if (e.defaultPrevented) return;
      var big = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (f) {
        return Array.prototype.some.call(f.files || [], function (file) {
          return file.size > 512 * 1024;
        });
      });
      if (!big) return;
      e.preventDefault();
      var by = e.submitter || submitButtons(form)[0];
      var data = new FormData(form);
      if (by && by.name) data.append(by.name, by.value);
      var bar = document.createElement("progress");
      bar.className = "upload";
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "上传进度");
      form.appendChild(bar);
      markBusy(form, by);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (p) {
        if (p.lengthComputable) bar.value = Math.round((p.loaded / p.total) * 100);
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== window.location.href) {
          window.history.pushState(null, "", xhr.responseURL);
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        bar.remove();
        form.submit();
      });
      xhr.send(data);
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
