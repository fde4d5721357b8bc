// A running round's page: poll the small status endpoint and show the state and progress without
// reloading (the badge and the sentence in the page's language, from the page's data-texts and
// data-badges); once the round is done or failed, load the page again to show its result.
"use strict";
(function () {
  const box = document.getElementById("round-progress");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const bar = box.querySelector("[data-round-progress]");
  const text = box.querySelector("[data-round-message]");
  const state = document.querySelector("[data-round-state]");
  const COLOURS = { queued: "secondary", running: "info", done: "success", failed: "danger" };
  let texts = {};
  let badges = {};
  try {
    texts = JSON.parse(box.dataset.texts || "{}");
    badges = JSON.parse(box.dataset.badges || "{}");
  } catch (err) {
    // Without the words the page still shows the progress bar.
  }
  let failures = 0;

  function showState(status) {
    if (status === box.dataset.status) return;
    box.dataset.status = status;
    if (text && texts[status]) text.textContent = texts[status];
    if (state) {
      state.dataset.status = status;
      if (badges[status]) state.textContent = badges[status];
      Object.values(COLOURS).forEach((c) => state.classList.remove("text-bg-" + c));
      state.classList.add("text-bg-" + (COLOURS[status] || "secondary"));
    }
  }

  function show(data) {
    bar.value = data.progress;
    bar.textContent = Math.round(data.progress * 100) + "%";
    showState(data.status);
  }

  async function poll() {
    try {
      const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!answer.ok) throw new Error(String(answer.status));
      const data = await answer.json();
      failures = 0;
      show(data);
      if (data.finished) {
        window.location.reload();
        return;
      }
    } catch (err) {
      failures += 1;  // a blip in the network: keep trying, a little slower
    }
    window.setTimeout(poll, Math.min(1000 * (1 + failures), 10000));
  }
  window.setTimeout(poll, 500);
})();
