// Small helps only; every page works without JavaScript.
function countCharacters(root) {
  // A live character count under an answer box.
  for (const box of root.querySelectorAll("textarea[data-counter]")) {
    const out = document.getElementById(box.dataset.counter);
    const show = () => { out.textContent = `已写 ${box.value.length} 字，`; };
    box.addEventListener("input", show);
    show();
  }
}

function onceOnly(root) {
  // One click submits once: grading takes a moment, and a second click would submit the same answer again.
  for (const form of root.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    });
  }
}

// The role-play chat: a reply is posted in the background and the page that comes back (the chat with the customer's
// answer, or the same page with a one-line error and the text still in the box) replaces this one, without a reload.
// Should the post itself fail, the form is submitted the ordinary way.
async function postChat(event) {
  const form = event.target;
  if (!form.matches("form[data-chat]") || event.defaultPrevented) return;
  event.preventDefault();
  let response;
  try {
    response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" });
  } catch {
    form.submit();
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  document.querySelector("main").replaceWith(page.querySelector("main"));
  document.title = page.title;
  history.replaceState(null, "", response.url);
  const main = document.querySelector("main");
  countCharacters(main);
  onceOnly(main);
  const last = main.querySelector("#chat li:last-child");
  if (last) last.scrollIntoView({ block: "nearest" });
  const box = main.querySelector("form[data-chat] textarea");
  if (box) box.focus();
}

document.addEventListener("DOMContentLoaded", () => {
  countCharacters(document);
  onceOnly(document);
  document.addEventListener("submit", postChat);
});
// Coming back with the browser's Back button: the buttons work again.
window.addEventListener("pageshow", () => {
  for (const button of document.querySelectorAll("button[disabled]")) button.disabled = false;
});
