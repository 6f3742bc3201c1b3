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
  // Phones: a table of four or more columns reads as one card per row, each cell under its
  // column's name (the CSS in site.css, below 720 px). Only simple tables (one header row, no
  // merged cells) are turned; the roles keep the table's meaning for screen readers, since
  // changing the display of table parts drops it in some browsers. A table marked
  // data-keep-table stays a table.
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.hasAttribute("data-keep-table") || !table.tHead || table.tHead.rows.length !== 1) return;
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    if (heads.length < 4 || heads.some(function (h) { return h.colSpan > 1 || h.rowSpan > 1; })) return;
    var names = heads.map(function (h) {
      return h.textContent.replace(/\s+/g, " ").trim();
    });
    var rows = [];
    for (var b = 0; b < table.tBodies.length; b++) {
      var body = table.tBodies[b].rows;
      for (var r = 0; r < body.length; r++) {
        var cells = body[r].cells;
        var width = 0;
        for (var c = 0; c < cells.length; c++) width += cells[c].colSpan;
        if (width !== names.length && cells.length !== 1) return;
        rows.push(body[r]);
      }
    }
    table.setAttribute("role", "table");
    table.tHead.rows[0].setAttribute("role", "row");
    heads.forEach(function (h) {
      h.setAttribute("role", "columnheader");
    });
    rows.forEach(function (tr) {
      tr.setAttribute("role", "row");
      Array.prototype.forEach.call(tr.cells, function (cell, i) {
        cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
        if (tr.cells.length < 2 || !names[i]) return;
        cell.setAttribute("data-col", names[i]);
        // The cell's content in one box beside the name, so its own lines flow as before.
        var value = document.createElement("span");
        value.className = "cell-v";
        while (cell.firstChild) value.appendChild(cell.firstChild);
        cell.appendChild(value);
      });
    });
    table.classList.add("stack");
    var wrap = table.parentElement;
    if (wrap && wrap.classList.contains("table-wrap")) wrap.classList.add("stacked");
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
