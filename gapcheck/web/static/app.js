// gapcheck serve: small progressive enhancements; every page works without this file.
"use strict";

function chosenNames(input) {
  const files = Array.from(input.files || []);
  if (files.length === 0) return "";
  if (files.length === 1) return "選んだファイル: " + files[0].name;
  return "選んだファイル: " + files.length + " 件（" + files[0].name + " ほか）";
}

function setUpDropZones() {
  document.querySelectorAll("[data-drop]").forEach(function (zone) {
    const input = zone.querySelector("input[type=file]");
    const shown = zone.querySelector("[data-chosen]");
    if (!input) return;
    const update = function () { if (shown) shown.textContent = chosenNames(input); };
    input.addEventListener("change", update);
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (!e.dataTransfer || e.dataTransfer.files.length === 0) return;
      input.files = e.dataTransfer.files;
      update();
    });
    update();
  });
}

function setUpBusyForms() {
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      const note = form.querySelector("[data-busy-note]");
      if (note) note.hidden = false;
      // disabled after this event, so that the button's own value is still sent
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
  // back/forward cache: a page restored after a download must be usable again
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("[data-busy-note]").forEach(function (n) { n.hidden = true; });
    document.querySelectorAll("form[data-busy] button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
}

function followJob() {
  const box = document.getElementById("job");
  if (!box) return;
  const bar = document.getElementById("job-progress");
  const text = document.getElementById("job-text");
  const poll = function () {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.state !== "running") { window.location.replace(box.dataset.pageUrl); return; }
        if (s.total) {
          bar.max = s.total;
          bar.value = s.done;
          text.textContent = "照合済み " + s.done + " / " + s.total + " 件";
        }
        window.setTimeout(poll, 500);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  };
  poll();
}

document.addEventListener("DOMContentLoaded", function () {
  setUpDropZones();
  setUpBusyForms();
  followJob();
});
