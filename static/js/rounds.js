// A running round's page: poll the small status endpoint and show the progress without reloading;
// once the round is done or failed, load the page again to show its result.
"use strict";
(function () {
  const box = document.getElementById("round-progress");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const bar = box.querySelector("[data-round-progress]");
  const state = document.querySelector("[data-round-state]");
  let failures = 0;

  function show(data) {
    bar.value = data.progress;
    bar.textContent = Math.round(data.progress * 100) + "%";
    if (state && data.status !== state.dataset.status) {
      state.dataset.status = data.status;
      box.dataset.status = data.status;
    }
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
