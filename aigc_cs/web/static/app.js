// Small helps only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // A live character count under the answer box.
  for (const box of document.querySelectorAll("textarea[data-counter]")) {
    const out = document.getElementById(box.dataset.counter);
    const show = () => { out.textContent = `已写 ${box.value.length} 字，`; };
    box.addEventListener("input", show);
    show();
  }
  // One click submits once: grading takes a moment, and a second click would submit the same answer again.
  for (const form of document.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    });
  }
});
// Coming back with the browser's Back button: the buttons work again.
window.addEventListener("pageshow", () => {
  for (const button of document.querySelectorAll("button[disabled]")) button.disabled = false;
});
