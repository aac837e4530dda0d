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

// ---- Courses (courses app) ----------------------------------------------------------
// Share cards: <button data-copy-card> copies the card's example text.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-card]");
  if (!button) return;
  const text = button.closest(".share-card")?.querySelector(".share-text");
  if (!text || !navigator.clipboard) return;
  navigator.clipboard.writeText(text.innerText.trim()).then(() => {
    const before = button.textContent;
    button.textContent = button.dataset.copiedLabel || before;
    setTimeout(() => { button.textContent = before; }, 2500);
  });
});

// Lesson players: resume at the saved position, report it every 10 s; the server
// marks the lesson complete once 90% has been watched.
(() => {
  const csrf = () => {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : decodeURIComponent((document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1] || "");
  };
  const report = (player) => {
    if (!player.duration || !isFinite(player.duration)) return;
    const body = new URLSearchParams({ seconds: player.currentTime.toFixed(1), duration: player.duration.toFixed(1) });
    fetch(player.dataset.positionUrl, {
      method: "POST", body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() },
    }).then((response) => response.ok ? response.json() : null).then((data) => {
      if (data && data.completed_now) {
        const status = document.querySelector("[data-lesson-status]");
        if (status) { status.hidden = false; status.classList.add("status-pill--completed"); }
      }
    }).catch(() => {});
  };
  document.querySelectorAll("[data-lesson-player]").forEach((player) => {
    let last = 0;
    player.addEventListener("loadedmetadata", () => {
      const at = parseFloat(player.dataset.resumeAt || "0");
      if (at > 0 && at < player.duration - 2) player.currentTime = at;
    });
    player.addEventListener("timeupdate", () => {
      if (Date.now() - last > 10000) { last = Date.now(); report(player); }
    });
    player.addEventListener("pause", () => report(player));
    player.addEventListener("ended", () => report(player));
  });
})();
