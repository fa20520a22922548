// The report's small behaviours: the header's height, the phone menu, crisp pixels, playing animations, and the page
// search.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var header = document.querySelector("header.site");
  var button = document.querySelector(".menu-button");
  // Headings a link jumps to stop below the sticky header, whose height depends on the width
  // (it wraps on some) and on the phone menu being open: --header-h follows it.
  if (header) {
    var followHeader = function () {
      document.documentElement.style.setProperty("--header-h", header.offsetHeight + "px");
    };
    followHeader();
    if (window.ResizeObserver) {
      new ResizeObserver(followHeader).observe(header);
    } else {
      window.addEventListener("resize", followHeader);
    }
  }
  if (header && button) {
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Nearest-neighbour scaling keeps enlarged pixels sharp but garbles a picture it shrinks: use it
  // only while an image covers at least its natural size in device pixels (its width attribute).
  var pixelImages = document.querySelectorAll("figure img.pixel");
  function crisp() {
    var ratio = window.devicePixelRatio || 1;
    pixelImages.forEach(function (img) {
      var natural = Number(img.getAttribute("width"));
      var shown = img.getBoundingClientRect().width * ratio;
      img.classList.toggle("crisp", natural > 0 && shown >= natural - 0.5);
    });
  }
  crisp();
  window.addEventListener("resize", crisp);
  window.addEventListener("load", crisp);
  document.querySelectorAll("button.play").forEach(function (play) {
    play.addEventListener("click", function () {
      var img = play.parentNode.querySelector("img[data-animation]");
      if (!img) return;
      if (img.dataset.poster) {
        img.src = img.dataset.poster;
        delete img.dataset.poster;
        play.textContent = "Play the animation";
      } else {
        img.dataset.poster = img.src;
        img.src = img.dataset.animation;
        play.textContent = "Show the last frame";
      }
    });
  });
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  if (!box || !list) return;
  function search() {
    var index = window.SEARCH_INDEX || [];
    var words = box.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 1; });
    list.textContent = "";
    if (words.length === 0) { list.hidden = true; return; }
    var hits = [];
    index.forEach(function (section) {
      var title = section.t.toLowerCase();
      var text = section.x.toLowerCase();
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var inTitle = title.indexOf(words[i]) >= 0;
        var inText = text.indexOf(words[i]) >= 0;
        if (!inTitle && !inText) return;
        score += (inTitle ? 10 : 0) + (inText ? 1 : 0);
      }
      hits.push({ s: section, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    hits.slice(0, 12).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = hit.s.u;
      a.textContent = hit.s.t + " · " + hit.s.p;
      li.appendChild(a);
      list.appendChild(li);
    });
    if (hits.length === 0) {
      var none = document.createElement("li");
      none.textContent = "No section mentions this.";
      list.appendChild(none);
    }
    list.hidden = false;
  }
  box.addEventListener("input", search);
  box.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { box.value = ""; search(); }
    if (e.key === "Enter") {
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    }
  });
})();
