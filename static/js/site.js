/* On every page (templates/base.html), in place of inline handlers, which the
 * Content-Security-Policy forbids (script-src 'self'):
 * - data-confirm="问题？" on a form asks before it is sent, on a button before it sends its form;
 * - data-print on a button prints the page.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm], input[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
    if (event.target.closest("[data-print]")) window.print();
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
