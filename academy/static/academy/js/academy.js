// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("click", (event) => {
  // One-tap copy: <button data-copy-target="#id"> copies that element's text.
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copyTarget);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.innerText.trim()).then(() => {
    const done = button.dataset.copiedLabel;
    if (done) {
      const before = button.textContent;
      button.textContent = done;
      setTimeout(() => { button.textContent = before; }, 2000);
    }
  });
});
