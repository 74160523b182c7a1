/* The admin's export page (templates/admin/import_export/export.html): the 全选 box checks or
 * clears every field to export. It replaces the package's inline onchange handler, which the
 * Content-Security-Policy (no inline script) refuses. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var toggle = event.target;
    if (!toggle.matches || !toggle.matches("input.select-toggle")) return;
    document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]').forEach(function (box) {
      box.checked = toggle.checked;
    });
  });
})();
