// audiocast episode page: chapter and cue seeking, the current cue, the feed URL.
// The page works without this script (links open the MP3 at the right time); it adds in-page seeking.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var feed = document.querySelector("[data-feed-url]");
  if (feed) {
    // where the page is really served from, not the base URL the build was given
    if (/^https?:$/.test(location.protocol)) feed.value = new URL("feed.xml", document.baseURI).href;
    var copy = document.querySelector("button.copy");
    if (copy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        feed.select();
        var done = function () { copy.textContent = "Copied"; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(feed.value).then(done, function () { document.execCommand("copy"); done(); });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    }
  }

  var audios = Array.prototype.slice.call(document.querySelectorAll("[data-episode] audio"));
  audios.forEach(function (audio) {
    audio.addEventListener("play", function () {
      audios.forEach(function (other) { if (other !== audio) other.pause(); });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-episode]"), setUp);

  function starts(elements, attr) {
    return elements.map(function (el) { return parseFloat(el.getAttribute(attr)); });
  }

  // index of the last start <= t (-1 before the first)
  function indexAt(list, t) {
    var lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] <= t + 0.001) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function setUp(box) {
    var audio = box.querySelector("audio");
    if (!audio) return;
    var chapters = Array.prototype.slice.call(box.querySelectorAll("[data-chapter-start]"));
    var cues = Array.prototype.slice.call(box.querySelectorAll("[data-cue-start]"));
    var chapterStarts = starts(chapters, "data-chapter-start");
    var cueStarts = starts(cues, "data-cue-start");
    var scroller = box.querySelector(".transcript");
    var resume = box.querySelector("button.follow");
    var follow = true, cue = -1, chapter = -1;

    function visible(el) {
      var top = el.offsetTop, bottom = top + el.offsetHeight;
      return bottom > scroller.scrollTop && top < scroller.scrollTop + scroller.clientHeight;
    }

    function reveal(el) {
      var top = el.offsetTop, bottom = top + el.offsetHeight;
      if (!scroller || (top >= scroller.scrollTop && bottom <= scroller.scrollTop + scroller.clientHeight)) return;
      scroller.scrollTop = Math.max(0, el.offsetTop - scroller.clientHeight / 3);
    }

    function setFollow(on) {
      follow = on;
      if (resume) resume.hidden = on;
    }

    function mark(list, i, old) {
      if (i === old) return;
      if (old >= 0) {
        list[old].removeAttribute("aria-current");
        list[old].classList.remove("current");
      }
      if (i >= 0) {
        list[i].setAttribute("aria-current", "true");
        list[i].classList.add("current");
      }
    }

    function update() {
      var t = audio.currentTime;
      var c = indexAt(chapterStarts, t);
      mark(chapters, c, chapter);
      chapter = c;
      var i = indexAt(cueStarts, t);
      mark(cues, i, cue);
      cue = i;
      if (i >= 0 && follow) reveal(cues[i]);
    }

    function seek(t) {
      audio.currentTime = t;
      setFollow(true);
      update();
      var playing = audio.play();
      if (playing && playing.catch) playing.catch(function () {}); // autoplay refused: the player shows the time
    }

    chapters.forEach(function (el, i) {
      el.addEventListener("click", function (ev) {
        ev.preventDefault();
        seek(chapterStarts[i]);
      });
    });
    if (scroller) {
      scroller.addEventListener("click", function (ev) {
        var el = ev.target.closest("[data-cue-start]");
        if (!el) return;
        ev.preventDefault();
        var selection = window.getSelection && window.getSelection().toString();
        if (selection && ev.target.tagName !== "A") return; // the reader is selecting text, not seeking
        seek(parseFloat(el.getAttribute("data-cue-start")));
      });
      // A reader who scrolls the current line out of sight is reading elsewhere: stop following until they
      // seek or ask to follow again. The page's own scrolling (instant, never animated) always ends with the
      // current line in sight, so it never turns following off.
      scroller.addEventListener("scroll", function () {
        setFollow(cue < 0 || visible(cues[cue]));
      });
    }
    if (resume) {
      resume.addEventListener("click", function () {
        setFollow(true);
        if (cue >= 0) reveal(cues[cue]);
      });
    }
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", update);
  }
})();
