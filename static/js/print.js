// Buttons marked data-print open the browser's print dialog (slips, recovery codes).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
