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

// Lesson and replay players: play the stream, resume at the saved position, report it
// every 10 s; the server marks the lesson complete once 90% has been watched.
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
  // Streams (data-hls-src): native HLS where the browser has it and no Media Source
  // Extensions (iOS, WeChat on iOS); elsewhere hls.js, loaded on demand, starting at the
  // lowest rendition and adapting. Chromium also answers "maybe" for native HLS, but
  // hls.js there gives the adaptive start a weak network needs.
  let hlsScript = null;
  const loadHls = (src) => {
    if (window.Hls) return Promise.resolve(window.Hls);
    hlsScript = hlsScript || new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => (window.Hls ? resolve(window.Hls) : reject(new Error("no Hls")));
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return hlsScript;
  };
  const fallback = (player) => {
    // The original file, as before streams existed.
    const source = player.querySelector("source:not([type])");
    if (source) { player.src = source.src; player.preload = "metadata"; player.load(); }
  };
  const stream = (player, at) => {
    const master = player.dataset.hlsSrc;
    const native = player.canPlayType("application/vnd.apple.mpegurl");
    if (native && !window.MediaSource) {
      player.src = master;
      player.preload = "metadata";
      return;
    }
    loadHls(player.dataset.hlsScript).then((Hls) => {
      if (!Hls.isSupported()) {
        if (native) { player.src = master; player.preload = "metadata"; } else fallback(player);
        return;
      }
      const hls = new Hls({
        startLevel: 0,
        startPosition: at > 0 ? at : -1,
        capLevelToPlayerSize: true,
        // One segment before she presses play (like preload="metadata"), then the usual buffer.
        maxBufferLength: 4,
        workerPath: player.dataset.hlsWorker,
      });
      player.addEventListener("play", () => { hls.config.maxBufferLength = 30; }, { once: true });
      let recovered = false;
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
          recovered = true;
          hls.recoverMediaError();
          return;
        }
        if (player.currentTime > 0) player.dataset.resumeAt = String(player.currentTime);
        hls.destroy();
        fallback(player);
      });
      hls.loadSource(master);
      hls.attachMedia(player);
      player.hls = hls;
    }).catch(() => fallback(player));
  };
  document.querySelectorAll("[data-lesson-player]").forEach((player) => {
    let last = 0;
    player.addEventListener("loadedmetadata", () => {
      const at = parseFloat(player.dataset.resumeAt || "0");
      if (at > 0 && at < player.duration - 2 && Math.abs(player.currentTime - at) > 1) {
        player.currentTime = at;
      }
    });
    if (player.dataset.hlsSrc) stream(player, parseFloat(player.dataset.resumeAt || "0"));
    player.addEventListener("timeupdate", () => {
      if (Date.now() - last > 10000) { last = Date.now(); report(player); }
    });
    player.addEventListener("pause", () => report(player));
    player.addEventListener("ended", () => report(player));
  });
})();
