/* The demand list form (templates/demands/submission_edit.html): nothing typed is lost.
 *
 * - Every change is kept in this browser (localStorage, one key per user and list) at once, and
 *   sent to the server 0.8 s after the last keystroke (POST …/autosave/, JSON). The line at the
 *   top says where the input is: 已保存 08:21 / 未联网，已暂存在本机… / 保存失败….
 * - On load, a local copy the server has not seen (dirty) is put back into the form.
 * - 报送清单 while offline is queued and sent once when the network returns; a submit that never
 *   reached the server is said so on the next load.
 * - Rows: 添加一条 and 复制上一条 (no network needed), 删除此条 with 撤销, pasting several items.
 * - Each save sends the list's version its rows are based on (hidden list_version). When another
 *   browser saved the list meanwhile the server answers 409 and saves nothing: the page says so
 *   and shows this browser's copy to copy (#conflict-copy), kept here until dismissed, also after
 *   the reload that shows the other browser's list.
 */
(function () {
  "use strict";
  var page = document.getElementById("list-page");
  if (!page) return;
  var storeKey = "fsp:list:" + page.dataset.user + ":" + page.dataset.submission;
  var form = document.getElementById("demand-form");
  if (!form) {
    // Submitted or accepted: the server has the list, the local copy is of no further use.
    if (page.dataset.status === "submitted" || page.dataset.status === "accepted") {
      localStorage.removeItem(storeKey);
    }
    return;
  }

  var FIELDS = ["category", "title", "detail", "urgency", "wanted_by", "estimated_funds",
                "contact_name", "contact_phone", "confirm_past"];
  var MAX_ROWS = 50;
  var rowsEl = document.getElementById("demand-rows");
  var template = document.getElementById("row-template");
  var stateEl = document.getElementById("save-state");
  var total = form.elements["items-TOTAL_FORMS"];
  var versionEl = form.elements.list_version;
  var csrf = form.elements.csrfmiddlewaretoken.value;
  var local = load() || {};
  var timer = null, inflight = null, again = false, seq = 0, submitting = false;
  var stale = false;  // the list was saved elsewhere: nothing more is sent until the page is reloaded

  // Storage ----------------------------------------------------------------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }
  function store() {
    try { localStorage.setItem(storeKey, JSON.stringify(local)); } catch (e) { /* full: the server copy remains */ }
  }
  function hhmm(date) {
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }
  function say(text, kind) {
    stateEl.textContent = text;
    stateEl.className = "save-state small mb-2" + (kind ? " " + kind : "");
  }

  // Rows -------------------------------------------------------------------------------------
  function rows() { return Array.prototype.slice.call(rowsEl.querySelectorAll(".demand-row")); }
  function el(row, name) { return form.elements[row.dataset.prefix + "-" + name]; }
  function deleted(row) { var box = el(row, "DELETE"); return !!(box && box.checked); }
  function live() { return rows().filter(function (row) { return !deleted(row); }); }
  function getValue(row, name) {
    var input = el(row, name);
    if (!input) return "";
    if (input.type === "checkbox") return input.checked ? "on" : "";
    if (input.type === "radio") return input.checked ? input.value : "";  // a single choice
    return input.value || "";
  }
  function setValue(row, name, value) {
    var input = el(row, name);
    if (!input) return;
    value = value == null ? "" : String(value);
    if (input.type === "checkbox") { input.checked = value !== "" && value !== "false"; return; }
    if (input.type === "radio") { input.checked = input.value === value; return; }
    if (input.length !== undefined && !input.tagName) {  // radio buttons
      Array.prototype.forEach.call(input, function (radio) { radio.checked = radio.value === value; });
      return;
    }
    input.value = value;
  }
  function key(row) { return el(row, "client_key").value; }
  function newKey() { return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }
  function ensureKey(row) { if (!key(row)) el(row, "client_key").value = newKey(); }
  function blank(row) { return !getValue(row, "title") && !getValue(row, "category") && !getValue(row, "detail"); }
  function renumber() {
    live().forEach(function (row, index) { row.querySelector(".row-num").textContent = index + 1; });
  }
  function addRow(values) {
    var index = parseInt(total.value, 10);
    if (live().length >= MAX_ROWS) { say("一份清单最多" + MAX_ROWS + "条", "offline"); return null; }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    rowsEl.appendChild(row);
    total.value = index + 1;
    el(row, "client_key").value = newKey();
    Object.keys(values || {}).forEach(function (name) { setValue(row, name, values[name]); });
    renumber();
    return row;
  }

  // What the form holds, for the server and for the local copy.
  function collect() {
    var data = {contact: {contact_name: form.elements["list-contact_name"].value,
                          contact_phone: form.elements["list-contact_phone"].value},
                rows: [], deleted: []};
    rows().forEach(function (row) {
      ensureKey(row);
      if (deleted(row)) { data.deleted.push(key(row)); return; }
      var values = {client_key: key(row)};
      FIELDS.forEach(function (name) { values[name] = getValue(row, name); });
      data.rows.push(values);
    });
    return data;
  }
  function apply(data) {
    form.elements["list-contact_name"].value = data.contact.contact_name || "";
    form.elements["list-contact_phone"].value = data.contact.contact_phone || "";
    var byKey = {};
    rows().forEach(function (row) { byKey[key(row)] = row; });
    data.rows.forEach(function (values) {
      var row = byKey[values.client_key];
      if (!row) {
        var empty = live().filter(function (r) { return blank(r) && !data.rows.some(function (v) { return v.client_key === key(r); }); })[0];
        row = empty || addRow({});
        if (!row) return;
        el(row, "client_key").value = values.client_key;
      }
      FIELDS.forEach(function (name) { setValue(row, name, values[name]); });
    });
    (data.deleted || []).forEach(function (k) { if (byKey[k]) markDeleted(byKey[k], true); });
    renumber();
  }

  // The list's version ------------------------------------------------------------------------
  function setVersion(value) {
    versionEl.value = String(value);
    local.version = value;
  }
  function rowText(values, number) {
    var radio = template.content.querySelector('input[name$="-category"][value="' + values.category + '"]');
    var label = radio && template.content.querySelector('label[for="' + radio.id + '"]');
    var lines = ["第" + number + "条 " + (values.title || "（未填名称）")];
    if (values.category) lines.push("类别：" + (label ? label.textContent : values.category));
    if (values.detail) lines.push("具体内容：" + values.detail);
    if (values.estimated_funds) lines.push("预计资金：" + values.estimated_funds + "元");
    if (values.wanted_by) lines.push("期望完成时间：" + values.wanted_by);
    if (values.contact_name || values.contact_phone) lines.push("联系人：" + [values.contact_name, values.contact_phone].join(" ").trim());
    return lines.join("\n");
  }
  function copyText(data) {
    var parts = (data.rows || []).map(function (values, index) { return rowText(values, index + 1); });
    if (data.contact && (data.contact.contact_name || data.contact.contact_phone)) {
      parts.unshift("默认联系人：" + [data.contact.contact_name, data.contact.contact_phone].join(" ").trim());
    }
    return parts.join("\n\n");
  }
  function showConflict(text, rowsText) {
    document.getElementById("conflict-text").textContent = text;
    document.getElementById("conflict-rows").value = rowsText;
    document.getElementById("conflict-copy").classList.remove("d-none");
  }
  function keepConflictCopy() {
    // Kept apart from the form's copy, so that the reload shows the list as saved elsewhere.
    local.conflict = {text: copyText(local.data), at: Date.now()};
    local.dirty = false;
    store();
    document.getElementById("conflict-rows").value = local.conflict.text;
  }
  function conflict(message) {
    stale = true;
    keepConflictCopy();
    showConflict(message + "。本页的修改没有保存到服务器，已暂存在本机（见下框）；请先复制，再刷新页面。", local.conflict.text);
    say(message + "。本页的修改没有保存，请先复制下框中的内容，再刷新页面。", "offline");
  }
  document.getElementById("conflict-dismiss").addEventListener("click", function () {
    delete local.conflict;
    store();
    document.getElementById("conflict-copy").classList.add("d-none");
  });

  // Saving -----------------------------------------------------------------------------------
  function changed() {
    seq += 1;
    local.data = collect();
    local.savedAt = Date.now();
    if (stale) { keepConflictCopy(); return; }
    local.dirty = true;
    store();
    if (!navigator.onLine) { say("未联网，已暂存在本机，联网后自动上传", "offline"); return; }
    say("正在保存…");
    clearTimeout(timer);
    timer = setTimeout(autosave, 800);
  }

  // Sends the form; resolves to "ok", "offline", "expired" or "failed".
  function autosave() {
    clearTimeout(timer);
    if (stale) return Promise.resolve("conflict");
    if (inflight) { again = true; return inflight; }
    if (!navigator.onLine) { say("未联网，已暂存在本机，联网后自动上传", "offline"); return Promise.resolve("offline"); }
    var sent = seq;
    local.data = collect();
    inflight = fetch(form.dataset.autosaveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify(Object.assign({}, local.data, versionEl.value ? {version: parseInt(versionEl.value, 10)} : {}))
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.ok) {
          local.serverSavedAt = body.saved_at;  // the server's clock: compared with the page's own
          if (typeof body.version === "number") setVersion(body.version);
          if (sent === seq) local.dirty = false;
          store();
          say("已保存 " + body.saved_time);
          return "ok";
        }
        if (response.status === 409 && body.conflict) {
          conflict(body.error);
          return "conflict";
        }
        if (response.status === 401) {
          say("登录已超时，内容已暂存在本机。请重新登录，回到本页后内容会自动恢复。", "offline");
          return "expired";
        }
        say("保存失败：" + (body.error || "服务器出错（" + response.status + "）") + "。内容已暂存在本机。", "offline");
        return "failed";
      });
    }, function () {
      say("未联网，已暂存在本机，联网后自动上传", "offline");
      return "offline";
    }).then(function (result) {
      inflight = null;
      if (again) { again = false; return autosave(); }
      return result;
    });
    return inflight;
  }

  // Submitting -------------------------------------------------------------------------------
  function post(action) {
    submitting = true;
    local.postedAt = Date.now();
    local.postedAction = action;
    store();
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = "action"; hidden.value = action;
    form.appendChild(hidden);
    form.submit();
  }
  function queue(action) {
    if (action === "submit") {
      local.submitQueued = true;
      store();
      say("未联网：清单尚未报送。已暂存在本机，联网后将自动报送一次。", "offline");
    } else {
      say("未联网，已暂存在本机，联网后自动上传", "offline");
    }
  }
  function sendQueued() {
    if (!local.submitQueued) return;
    local.submitQueued = false;  // cleared before sending: the list is sent once
    store();
    say("网络已恢复，正在报送清单…");
    autosave().then(function (result) {
      if (result === "ok") { post("submit"); return; }
      local.submitQueued = result === "offline";
      store();
      say(result === "offline" ? "未联网：清单尚未报送，联网后将自动报送一次。"
                               : "清单尚未报送：" + stateEl.textContent, "offline");
    });
  }
  form.addEventListener("submit", function (event) {
    var action = event.submitter ? event.submitter.value : "save";
    if (submitting || action === "nil") { submitting = true; return; }
    event.preventDefault();
    local.data = collect();
    store();
    autosave().then(function (result) {
      if (result === "ok") post(action);
      else if (result === "offline") queue(action);
      else if (result === "expired") post(action);  // the server keeps the post through the login page
    });
  });
  window.addEventListener("online", function () {
    if (local.submitQueued) { sendQueued(); return; }
    if (local.dirty) { say("已联网，正在上传…"); autosave(); }
  });
  window.addEventListener("offline", function () {
    say(local.dirty ? "未联网，已暂存在本机，联网后自动上传" : "未联网：已保存的内容在本机也有一份", "offline");
  });
  window.addEventListener("beforeunload", function (event) {
    if (local.dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });

  // Deleting with undo -----------------------------------------------------------------------
  var undoBar = document.getElementById("undo-bar"), undoRow = null, undoTimer = null;
  function markDeleted(row, gone) {
    el(row, "DELETE").checked = gone;
    row.classList.toggle("d-none", gone);
    renumber();
  }
  rowsEl.addEventListener("click", function (event) {
    var button = event.target.closest(".delete-row");
    if (!button) return;
    var row = button.closest(".demand-row");
    var number = row.querySelector(".row-num").textContent;
    markDeleted(row, true);
    undoRow = row;
    document.getElementById("undo-text").textContent = "已删除第" + number + "条";
    undoBar.classList.remove("d-none");
    clearTimeout(undoTimer);
    undoTimer = setTimeout(function () { undoBar.classList.add("d-none"); }, 15000);
    changed();
  });
  document.getElementById("undo-delete").addEventListener("click", function () {
    if (undoRow) { markDeleted(undoRow, false); undoRow.scrollIntoView({block: "center"}); undoRow = null; }
    undoBar.classList.add("d-none");
    changed();
  });

  // Adding rows ------------------------------------------------------------------------------
  document.getElementById("add-row").addEventListener("click", function () {
    var row = addRow({});
    if (row) { changed(); row.scrollIntoView({block: "start"}); }
  });
  document.getElementById("copy-last").addEventListener("click", function () {
    var last = live().pop();
    var values = {};
    if (last) {
      FIELDS.forEach(function (name) { if (name !== "title") values[name] = getValue(last, name); });
    }
    var row = addRow(values);
    if (row) { changed(); row.scrollIntoView({block: "start"}); el(row, "title").focus(); }
  });

  // Pasting several items --------------------------------------------------------------------
  var preview = document.getElementById("paste-preview"), pasted = [];
  function text(tag, content, cls) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (cls) node.className = cls;
    return node;
  }
  document.getElementById("paste-parse").addEventListener("click", function () {
    preview.textContent = "";
    fetch(form.dataset.pasteUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify({text: document.getElementById("paste-text").value})
    }).then(function (response) { return response.json(); }).then(function (body) {
      if (!body.ok) { preview.appendChild(text("div", body.error || "识别失败", "text-danger")); return; }
      pasted = body.rows;
      (body.problems || []).forEach(function (p) { preview.appendChild(text("div", p, "text-danger small")); });
      if (!pasted.length) return;
      var list = document.createElement("ol");
      list.className = "small ps-3 mb-2";
      pasted.forEach(function (row) {
        var item = text("li", row.title + " · " + (row.category_name || "（类别未选）") +
                        (row.estimated_funds ? " · " + row.estimated_funds + "元" : "") +
                        (row.wanted_by ? " · " + row.wanted_by : ""));
        row.notes.forEach(function (note) { item.appendChild(text("div", note, "text-danger")); });
        list.appendChild(item);
      });
      preview.appendChild(text("div", "识别到" + pasted.length + "条，请核对：", "small"));
      preview.appendChild(list);
      var add = text("button", "添加这" + pasted.length + "条到清单", "btn btn-success w-100");
      add.type = "button";
      add.id = "paste-add";
      preview.appendChild(add);
    }, function () {
      preview.appendChild(text("div", "识别粘贴内容需要联网；请联网后再试，或逐条填写。", "text-danger"));
    });
  });
  preview.addEventListener("click", function (event) {
    if (event.target.id !== "paste-add") return;
    var first = null;
    pasted.forEach(function (values) {
      var empty = live().filter(blank)[0];
      var row = empty || addRow({});
      if (!row) return;
      setValue(row, "title", values.title);
      setValue(row, "category", values.category_id || "");
      setValue(row, "detail", values.detail);
      setValue(row, "estimated_funds", values.estimated_funds);
      setValue(row, "wanted_by", values.wanted_by);
      first = first || row;
    });
    preview.textContent = "";
    preview.appendChild(text("div", "已添加" + pasted.length + "条，请在下方核对。", "text-success small"));
    document.getElementById("paste-text").value = "";
    pasted = [];
    changed();
    if (first) first.scrollIntoView({block: "start"});
  });

  // Load -------------------------------------------------------------------------------------
  rows().forEach(ensureKey);
  renumber();
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  var succeeded = !!document.querySelector(".alert-success");
  if (page.dataset.bound === "1") {
    // The server shows what was posted (with the errors), or what was kept through the login.
    local.postedAt = null;
    changed();
    var bad = rowsEl.querySelector(".is-invalid, .is-invalid-group") || document.getElementById("error-summary");
    if (bad) {
      bad.scrollIntoView({block: "center", behavior: "instant"});
      var target = bad.matches("input, textarea") ? bad : bad.querySelector("input:not(.btn-check), textarea");
      if (target) target.focus({preventScroll: true});
    }
  } else if (local.postedAt && succeeded) {
    local = {};  // the post went through: the server has everything
    store();
  } else if (!local.dirty && local.data && local.serverSavedAt &&
             Date.parse(local.serverSavedAt) > Date.parse(page.dataset.savedAt || 0)) {
    // A page older than what was saved from here (kept by the service worker for use offline).
    apply(local.data);
    if (local.version != null) setVersion(local.version);
    say(navigator.onLine ? "已保存 " + hhmm(new Date(local.serverSavedAt))
                         : "未联网：显示的是最后保存的内容（" + hhmm(new Date(local.serverSavedAt)) + "），修改会暂存在本机", navigator.onLine ? "" : "offline");
  } else if (local.dirty && local.data) {
    apply(local.data);
    if (local.version != null) setVersion(local.version);  // the version these unsent rows are based on
    if (local.postedAt) {
      say("上次的" + (local.postedAction === "submit" ? "报送" : "保存") + "没有送达服务器，清单尚未报送；已恢复本机暂存的内容。", "offline");
    } else {
      say("已恢复本机暂存的内容（" + hhmm(new Date(local.savedAt)) + "），正在上传…");
    }
    local.postedAt = null;
    store();
    if (!local.submitQueued) autosave();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("#error-summary a");
    if (!link) return;
    var wrapper = document.getElementById(link.getAttribute("href").slice(1));
    var input = wrapper && (wrapper.matches("input, textarea") ? wrapper : wrapper.querySelector("input:not(.btn-check), textarea"));
    if (input) setTimeout(function () { input.focus({preventScroll: true}); }, 0);
  });
  if (local.conflict) {
    showConflict("上次编辑时，清单已被他人修改，以下本机内容没有保存到服务器；请对照现在的清单，按需要重新填写。", local.conflict.text);
  }
  if (local.submitQueued) {
    if (navigator.onLine) sendQueued();
    else say("未联网：清单尚未报送。联网后将自动报送一次。", "offline");
  }
})();
