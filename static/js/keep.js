/* On every page (templates/base.html):
 * - registers the service worker (/sw.js) that lets the list form open without network;
 * - fills a form with what was typed before the session expired (the server kept it, see
 *   core/keep.py; given here as <script id="kept-input">);
 * - for a form marked data-keep (resources, projects, activities): a copy of the input in this
 *   browser (localStorage, per user and page), put back when the page is opened again, and a
 *   warning before leaving with changes. The copy is dropped once a save is confirmed (the next
 *   page shows a success message). Files chosen for upload are not kept.
 */
(function () {
  "use strict";
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () { /* works without it */ });
  }
  // Logging out on a shared phone: the list page kept for use offline goes too.
  document.addEventListener("submit", function (event) {
    if (/\/accounts\/logout\/$/.test(event.target.action) && window.caches) caches.delete("fsp-pages");
  });
  var user = (document.querySelector('meta[name="fsp-user"]') || {}).content;
  var SKIP = {csrfmiddlewaretoken: true, password: true, action: true};

  function fill(form, values) {
    Object.keys(values).forEach(function (name) {
      if (SKIP[name]) return;
      var list = [].concat(values[name]);
      Array.prototype.forEach.call(form.querySelectorAll("[name]"), function (input) {
        if (input.name !== name || input.type === "file" || input.type === "hidden") return;
        if (input.type === "checkbox" || input.type === "radio") input.checked = list.indexOf(input.value) >= 0 || (input.type === "checkbox" && list.indexOf("on") >= 0 && input.value === "on");
        else if (input.multiple) Array.prototype.forEach.call(input.options, function (o) { o.selected = list.indexOf(o.value) >= 0; });
        else input.value = list[0];
      });
    });
  }
  function read(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || SKIP[input.name] || input.type === "file" || input.type === "hidden") return;
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) return;
      if (input.multiple) {
        values[input.name] = Array.prototype.filter.call(input.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      } else {
        values[input.name] = (values[input.name] || []).concat([input.value]);
      }
    });
    return values;
  }

  var kept = document.getElementById("kept-input");
  var forms = document.querySelectorAll("form[data-keep]");
  if (kept && forms.length) fill(forms[0], JSON.parse(kept.textContent));

  var succeeded = !!document.querySelector(".alert-success");
  if (succeeded) {
    // A save went through (its page redirects elsewhere): the copies kept while it was sent go.
    Object.keys(localStorage).forEach(function (name) {
      if (name.indexOf("fsp:form:" + user + ":") !== 0) return;
      try { if (JSON.parse(localStorage.getItem(name)).posted) localStorage.removeItem(name); } catch (e) { /* not ours */ }
    });
  }
  Array.prototype.forEach.call(forms, function (form) {
    var key = "fsp:form:" + user + ":" + location.pathname + (form.id ? "#" + form.id : "");
    var copy = null;
    try { copy = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { copy = null; }
    var dirty = false, submitting = false;
    var hasErrors = !!form.querySelector(".is-invalid, .invalid-feedback, .alert-danger");
    if (succeeded) copy = null;
    if (copy && !kept && !hasErrors) {
      fill(form, copy.values);
      dirty = true;
      var note = document.createElement("div");
      note.className = "alert alert-info small keep-note";
      note.textContent = (copy.posted ? "上次的保存可能没有送达服务器。" : "") + "已恢复本机暂存的内容，请检查后保存。";
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "btn btn-link btn-sm";
      clear.textContent = "不用了，清除";
      clear.addEventListener("click", function () { localStorage.removeItem(key); location.reload(); });
      note.appendChild(clear);
      form.insertBefore(note, form.firstChild);
    }
    function save(posted) {
      try { localStorage.setItem(key, JSON.stringify({values: read(form), at: Date.now(), posted: posted})); } catch (e) { /* full */ }
    }
    form.addEventListener("input", function () { dirty = true; save(false); });
    form.addEventListener("change", function () { dirty = true; save(false); });
    form.addEventListener("submit", function () { submitting = true; if (dirty) save(true); });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
    });
  });
})();
